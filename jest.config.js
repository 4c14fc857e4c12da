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
