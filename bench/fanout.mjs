// Scenario (p), "fan-out": WebSocket subscribers on one collection while records are posted
// to it. subscribe() opens them; latency() posts records one at a time and measures, for each
// subscriber, the delay between the writer's 201 and the change's arrival; delivered() counts
// what every subscriber received (each must get every created record).
import WebSocket from "ws";

/** Opens `count` subscriptions to `path` (below /v1), `concurrency` at a time. */
export async function subscribe(base, path, auth, count, concurrency = 50) {
  const url = `${base.replace(/^http/, "ws")}/v1${path}/changes/live`;
  const subscribers = [];
  const open = () =>
    new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers: { Authorization: auth } });
      const subscriber = { socket, received: 0, arrivals: new Map() };
      socket.on("message", (data) => {
        subscriber.received += 1;
        const { data: record } = JSON.parse(String(data));
        if (record?.id !== undefined) subscriber.arrivals.set(record.id, performance.now());
      });
      socket.once("open", () => resolve(subscriber));
      socket.once("error", reject);
      socket.once("unexpected-response", (_request, response) => reject(new Error(`subscribe: HTTP ${response.statusCode}`)));
    });
  for (let i = 0; i < count; i += concurrency) {
    subscribers.push(...(await Promise.all(Array.from({ length: Math.min(concurrency, count - i) }, open))));
  }
  return subscribers;
}

/** Posts `samples` records one by one; delays (µs) from each 201 to its arrival at each subscriber. */
export async function latency(base, path, auth, subscribers, samples) {
  const delays = [];
  let missing = 0;
  for (let n = 0; n < samples; n++) {
    const response = await fetch(`${base}/v1${path}/records`, {
      method: "POST",
      headers: { Authorization: auth, "Content-Type": "application/json" },
      body: JSON.stringify({ data: { title: "latency probe", n } }),
    });
    const acknowledged = performance.now();
    const { data } = await response.json();
    const deadline = acknowledged + 10_000;
    while (subscribers.some((s) => !s.arrivals.has(data.id)) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1));
    for (const subscriber of subscribers) {
      const at = subscriber.arrivals.get(data.id);
      if (at === undefined) missing += 1;
      // A change may arrive before the 201 does (it is sent right after the commit, the 201 goes
      // back through the worker): that is a zero delay.
      else delays.push(Math.max(0, at - acknowledged) * 1000);
    }
  }
  delays.sort((a, b) => a - b);
  const pick = (q) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))] ?? NaN;
  return { p50_us: pick(0.5), p99_us: pick(0.99), deliveries: delays.length, missing };
}

/** Subscribers that received fewer than `expected` messages. */
export function shortOf(subscribers, expected) {
  return subscribers.filter((subscriber) => subscriber.received < expected).length;
}

export function closeAll(subscribers) {
  for (const subscriber of subscribers) subscriber.socket.terminate();
}
