/** Previous / Next buttons of a paged list. */
import type { Pager } from "../hooks";

export function PagerNav<T>({ pager, total }: { pager: Pager<T>; total?: number | null }) {
  return (
    <div class="pager">
      <button class="previous" disabled={pager.previous === null} onClick={() => pager.previous?.()}>
        Previous
      </button>
      <span class="page-number">page {pager.number}</span>
      {total !== undefined && total !== null ? <span class="total">{total} in all</span> : null}
      <button class="next" disabled={pager.next === null} onClick={() => pager.next?.()}>
        Next page
      </button>
    </div>
  );
}
