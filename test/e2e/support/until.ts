/** Waits (polling every 50 ms, 30 s at most) until `condition` holds; throws naming `what` otherwise. */
export async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}
