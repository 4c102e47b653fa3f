// A file whose test never ends: the runner's timeout must end it.
import t from 'tap';

t.test('waits forever', () => new Promise<void>(() => setInterval(() => undefined, 1000)));
