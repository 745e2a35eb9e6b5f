import { PACKAGE_NAME } from './index';

test('package name', () => {
  expect(PACKAGE_NAME).toBe('@devprompt/prompt-learner');
});
