import { describe, expect, it } from 'vitest';
import { CumulativeAck } from './cumulative-ack';

const turn = () => new Promise((r) => setImmediate(r));

function fake(connected = true) {
  const sent: number[] = [];
  return { sent, socket: { connected, emit: (_e: 'ack', p: { seq: number }) => sent.push(p.seq) } };
}

describe('cumulative ack (SDK)', () => {
  it('acknowledges what one turn brought with one ack, the highest seq, for each connection', async () => {
    const a = fake();
    const b = fake();
    const ackA = new CumulativeAck(a.socket);
    const ackB = new CumulativeAck(b.socket);
    for (const s of [4, 7, 5]) ackA.saw(s);
    ackB.saw(2);
    expect(a.sent).toEqual([]);
    await turn();
    expect(a.sent).toEqual([7]);
    expect(b.sent).toEqual([2]);
    ackA.saw(6);
    await turn();
    expect(a.sent).toEqual([7]);
  });

  it('sends nothing while disconnected, and starts over on a new connection', async () => {
    const a = fake(false);
    const ack = new CumulativeAck(a.socket);
    ack.saw(50);
    await turn();
    expect(a.sent).toEqual([]);
    ack.reset();
    a.socket.connected = true;
    ack.saw(3);
    await turn();
    expect(a.sent).toEqual([3]);
  });
});
