// A file that exits before tap's plan is printed: the runner must call it failed although no
// assertion failed.
import t from 'tap';

t.pass('before the crash');
process.exit(3);
