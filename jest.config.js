// netport sets TF_CPP_MIN_LOG_LEVEL before it loads tfjs-node, but a test file's process.env is
// Jest's copy, which libtensorflow never reads: the workers inherit the level from here.
process.env.TF_CPP_MIN_LOG_LEVEL ??= '1';

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // TensorFlow.js keeps its engine on the global object; Jest's clean-up of globals between
  // files only produces warnings about it.
  testEnvironmentOptions: { globalsCleanup: 'off' },
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  setupFiles: ['<rootDir>/spec/helpers/setup.ts'],
  setupFilesAfterEnv: ['<rootDir>/spec/helpers/leaks.ts'],
  testTimeout: 60000,
};
