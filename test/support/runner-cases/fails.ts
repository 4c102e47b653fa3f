// A file the test runner must count as failed: one assertion fails, one passes.
import t from 'tap';

t.equal('expected', 'actual', 'this one fails');
t.pass('this one passes');
