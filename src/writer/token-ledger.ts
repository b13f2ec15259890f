/**
 * Plural DELETE tokens are single-use and expire (contract §4.6). The Writer of the list keeps
 * the nonces it issued in its own storage; a token is valid once, until its expiry.
 */
export interface TokenLedger {
  isValid(nonce: string): Promise<boolean>;
  issue(nonce: string, ttlSeconds: number): Promise<void>;
  consume(nonce: string): Promise<void>;
}

/** A ledger over a Durable Object's transactional storage. */
export function storageLedger(storage: DurableObjectStorage): TokenLedger {
  const key = (nonce: string): string => `delete-token:${nonce}`;
  return {
    async isValid(nonce) {
      const expiry = await storage.get<number>(key(nonce));
      return expiry !== undefined && expiry > Date.now();
    },
    async issue(nonce, ttlSeconds) {
      await storage.put(key(nonce), Date.now() + ttlSeconds * 1000);
    },
    async consume(nonce) {
      await storage.delete(key(nonce));
    },
  };
}
