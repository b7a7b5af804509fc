import { strict as assert } from 'node:assert';
import { ProvenanceEngine } from '../../../src/verify/engine';
import type { RunOptions, VerifyRequest } from '../../../src/verify/api';
import type { Verdict } from '../../../src/verify/types';

/** An engine whose verify() only counts how many run at once (no registry involved). */
class CountingEngine extends ProvenanceEngine {
  active = 0;
  maxActive = 0;
  override async verify(request: VerifyRequest, _options: RunOptions = {}): Promise<Verdict> {
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.active--;
    return { name: request.name, version: request.version, status: 'not-applicable', reason: { code: 'ignored', message: 'test' } };
  }
}

const requests = (n: number): VerifyRequest[] => Array.from({ length: n }, (_, i) => ({ name: `p${i}`, version: '1.0.0' }));

describe('engine: how many verifications run at once (verifyAll)', () => {
  it("defaults to the registry client's sockets per host (npm's maxsockets), not a fixed 8", async () => {
    const saved = process.env.npm_config_maxsockets;
    process.env.npm_config_maxsockets = '13';
    let engine: CountingEngine;
    try {
      engine = new CountingEngine({ registry: 'http://127.0.0.1:9/', useProjectNpmrc: false });
    } finally {
      if (saved === undefined) delete process.env.npm_config_maxsockets;
      else process.env.npm_config_maxsockets = saved;
    }
    assert.equal(engine.client.sockets, 13);
    const verdicts = await engine.verifyAll(requests(40));
    assert.equal(verdicts.length, 40);
    assert.equal(engine.maxActive, 13);
  });

  it('the concurrency option sets both the sockets and the width', async () => {
    const engine = new CountingEngine({ registry: 'http://127.0.0.1:9/', useProjectNpmrc: false, concurrency: 3 });
    assert.equal(engine.client.sockets, 3);
    await engine.verifyAll(requests(20));
    assert.equal(engine.maxActive, 3);
  });

  it('never more than there are requests, and results stay in input order', async () => {
    const engine = new CountingEngine({ registry: 'http://127.0.0.1:9/', useProjectNpmrc: false, concurrency: 20 });
    const verdicts = await engine.verifyAll(requests(4));
    assert.equal(engine.maxActive, 4);
    assert.deepEqual(
      verdicts.map((v) => v.name),
      ['p0', 'p1', 'p2', 'p3'],
    );
  });
});
