import * as tf from '@tensorflow/tfjs';
tf.env().set('IS_TEST', true);
