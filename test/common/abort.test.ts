import { getEventListeners } from 'node:events';
import { mock } from 'node:test';
import t from 'tap';
import { unlessAborted } from '../../src/common/abort.js';
import { deferred } from '../support/deferred.js';

t.test('without an abort the work decides, and the listener is gone afterwards', async (t) => {
  const controller = new AbortController();
  const work = deferred<string>();
  const waiting = unlessAborted(work.promise, controller.signal, 1_000);
  work.resolve('done');
  t.equal(await waiting, 'done');
  t.same(getEventListeners(controller.signal, 'abort'), []);
  await t.rejects(unlessAborted(Promise.reject(new Error('failed')), controller.signal), { message: 'failed' });
});

t.test('without a grace an abort ends the wait at once', async (t) => {
  const controller = new AbortController();
  const waiting = unlessAborted(new Promise(() => undefined), controller.signal);
  controller.abort(new Error('stopped'));
  await t.rejects(waiting, { message: 'stopped' });
  const already = new AbortController();
  already.abort(new Error('stopped before'));
  await t.rejects(unlessAborted(Promise.resolve(1), already.signal), { message: 'stopped before' });
});

t.test('within the grace the work may still finish; after it the wait ends', async (t) => {
  mock.timers.enable({ apis: ['setTimeout'] });
  t.teardown(() => mock.timers.reset());
  const graceMs = 5_000;

  const finishing = new AbortController();
  const work = deferred<string>();
  const finished = unlessAborted(work.promise, finishing.signal, graceMs);
  finishing.abort(new Error('stopped'));
  mock.timers.tick(graceMs - 1);
  work.resolve('done in time');
  t.equal(await finished, 'done in time');

  const hanging = new AbortController();
  const abandoned = unlessAborted(new Promise(() => undefined), hanging.signal, graceMs);
  hanging.abort(new Error('stopped'));
  mock.timers.tick(graceMs);
  await t.rejects(abandoned, { message: 'stopped' });
});
