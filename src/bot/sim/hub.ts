/** In-process fan-out of simulator events to the page's live stream (local mode only; state lives in the DB). */
export type SimEvent = { kind: "push" | "reply" | "chat"; chatId: string; at: number; markdown: string; userId?: string; mentions?: string[]; buttons?: { label: string; command: string }[]; outboxId?: number };

export class SimHub {
  #listeners = new Set<(e: SimEvent) => void>();

  subscribe(fn: (e: SimEvent) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  publish(e: SimEvent): void {
    for (const fn of this.#listeners) fn(e);
  }
}
