// A file the test runner must count as passed: two assertions, one of them in a subtest.
import t from 'tap';

t.ok(true, 'top level');
t.test('a subtest', async (t) => {
  t.equal(1 + 1, 2);
});
