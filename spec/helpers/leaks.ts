import { tf } from '../../lib/backend/tf';

// Every test leaves the TensorFlow.js tensor count where it found it.
let before: number | undefined;
let allowed = 0;

const count = (): number | undefined => {
  try {
    return tf.memory().numTensors;
  } catch {
    return undefined; // no backend initialized yet
  }
};

/**
 * For tests that demonstrate a stock TensorFlow.js failure which itself leaks (the
 * leak is TensorFlow.js's, inside the engine): the count must then grow by exactly `n`.
 */
export function expectStockLeak(n: number): void {
  allowed = n;
}

beforeEach(() => {
  before = count();
  allowed = 0;
});

afterEach(() => {
  const after = count();
  if (before !== undefined && after !== undefined && after - before !== allowed) {
    throw new Error(`the test changed the tensor count by ${after - before}${allowed ? ` (expected ${allowed}: a known TensorFlow.js leak)` : ''}: ${before} before, ${after} after`);
  }
});
