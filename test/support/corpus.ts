// The tests read the upstream corpus through the same locator as the benchmark.
export { CORPUS_DIR, corpusPath } from '../../bench/corpus.js';
