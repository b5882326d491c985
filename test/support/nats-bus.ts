import { connect, type NatsConnection } from 'nats';

export interface BusMessage {
  subject: string;
  /** The stream's sequence number: the order the stream stored them in. */
  seq: number;
  msgId: string | undefined;
  envelope: { id: string; type: string; source: string; channels: string[]; aggregateId: string; aggregateVersion: number; data: any };
}

async function withNats<T>(url: string, f: (nc: NatsConnection) => Promise<T>): Promise<T> {
  const nc = await connect({ servers: url });
  try {
    return await f(nc);
  } finally {
    await nc.close();
  }
}

/**
 * Every message the stream holds on `subject` (wildcards allowed), read by a consumer of the test's own (an
 * ordered, ephemeral one: it reads the stream from its start and leaves nothing behind).
 */
export async function busMessages(url: string, stream: string, subject: string): Promise<BusMessage[]> {
  return withNats(url, async (nc) => {
    const consumer = await nc.jetstream().consumers.get(stream, { filterSubjects: subject });
    const out: BusMessage[] = [];
    // Each message says how many more the consumer has (`info.pending`): read until none, or a fetch finds none.
    for (let more = true; more; ) {
      const batch = await consumer.fetch({ max_messages: 256, expires: 1_000 });
      more = false;
      for await (const m of batch) {
        out.push({ subject: m.subject, seq: m.seq, msgId: m.headers?.get('Nats-Msg-Id'), envelope: m.json() });
        more = m.info.pending > 0;
        if (!more) break;
      }
    }
    return out;
  });
}

/** The stream's configuration and message count; undefined when it does not exist. */
export async function streamInfo(url: string, stream: string) {
  return withNats(url, async (nc) => {
    const jsm = await nc.jetstreamManager();
    return jsm.streams.info(stream).then(
      (i) => ({ subjects: i.config.subjects, messages: i.state.messages, duplicateWindowNs: i.config.duplicate_window }),
      () => undefined,
    );
  });
}

export async function deleteStream(url: string, stream: string): Promise<void> {
  await withNats(url, async (nc) => {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(stream).catch(() => {});
  });
}
