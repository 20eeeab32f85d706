// Refused WebSocket upgrades, remembered for a few seconds so the probe that follows one is the same
// request. A browser is not told why an upgrade failed, so the live-captions page asks again with a
// plain GET marked `earshot-probe: upgrade`; answered under the upgrade's own request id and not
// logged a second time, the refusal the page shows is the one record in the request log.
// Bounded: at most MAX_REMEMBERED entries, each for PROBE_WINDOW_MS.
const PROBE_WINDOW_MS = 10_000;
const MAX_REMEMBERED = 1000;

export class RefusedUpgrades {
  /** client address + request target → request id and when; in insertion order, oldest first. */
  private readonly refused = new Map<string, { requestId: string; at: number }>();

  remember(client: string, target: string, requestId: string, now = Date.now()): void {
    const key = `${client} ${target}`;
    this.refused.delete(key);
    this.refused.set(key, { requestId, at: now });
    if (this.refused.size > MAX_REMEMBERED) this.refused.delete(this.refused.keys().next().value!);
  }

  /** The request id of the upgrade this probe repeats, if one was refused within the window (used once). */
  probed(client: string, target: string, now = Date.now()): string | undefined {
    const key = `${client} ${target}`;
    const found = this.refused.get(key);
    this.refused.delete(key);
    return found && now - found.at <= PROBE_WINDOW_MS ? found.requestId : undefined;
  }
}
