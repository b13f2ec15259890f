/** Health checks bounded in time (`__heartbeat__`). */

/** Resolves to false when `check` fails or outlives the timeout. */
export async function withTimeout(check: () => Promise<unknown>, seconds: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), seconds * 1000);
  });
  try {
    return await Promise.race([check().then(() => true, () => false), timeout]);
  } finally {
    if (timer !== null) clearTimeout(timer);
  }
}
