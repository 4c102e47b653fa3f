// Which releases promgate judges, and how a release is read.
import t from 'tap';
import {
  formatVersion,
  isJudgedRelease,
  NEWEST_SUPPORTED,
  OLDEST_SUPPORTED,
  supportedReleases,
  supportedVersion,
} from '../../src/prometheus/version.js';

t.test('the judged releases run from 2.42 to 2.55 and from 3.0 to the newest 3.x', async (t) => {
  for (const release of [OLDEST_SUPPORTED, '2.55', 'v2.55.1', '3.0', '3.5.5', NEWEST_SUPPORTED]) {
    t.ok(isJudgedRelease(release), `${release} is judged`);
    t.doesNotThrow(() => supportedVersion(release), `${release} is supported`);
  }
  for (const release of ['2.41', '2.56', '1.8', '4.0', '3.99', 'latest', '']) {
    t.notOk(isJudgedRelease(release), `${JSON.stringify(release)} is not judged`);
    t.throws(() => supportedVersion(release), `${JSON.stringify(release)} is refused`);
  }
  t.throws(
    () => supportedVersion('2.41'),
    /unsupported Prometheus version 2\.41: promgate knows 2\.42 … 2\.55, 3\.0 … /,
  );
});

t.test('a list of releases is each release once, in the order given', async (t) => {
  t.same(supportedReleases(['2.55', 'v2.55.1', '3.5']).map(formatVersion), ['2.55', '3.5']);
  t.throws(() => supportedReleases([]));
  t.throws(() => supportedReleases(['2.55', '9.9']), /unsupported Prometheus version 9\.9/);
});
