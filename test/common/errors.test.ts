import t from 'tap';
import { asError } from '../../src/common/errors.js';

t.test('asError keeps Errors and wraps anything else', async (t) => {
  const error = new TypeError('kept');
  t.equal(asError(error), error, 'the same object, subclass and stack intact');
  const wrapped = asError('a string was thrown');
  t.ok(wrapped instanceof Error);
  t.equal(wrapped.message, 'a string was thrown');
  t.equal(asError(42).message, '42');
  t.equal(asError(undefined).message, 'undefined');
});
