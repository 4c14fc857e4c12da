import { tf } from '../../lib/backend/tf';

// Silences the backend banner and turns on TensorFlow.js's per-kernel leak check.
tf.env().set('IS_TEST', true);

