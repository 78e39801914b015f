import { describe } from '@jest/globals';
import { existsSync } from 'node:fs';

/*
 * Debian's Chromium for the browser tests (playwright-core never downloads a browser), started as
 * the machine needs it: headless, as root without the sandbox, and with no background networking
 * (this machine's network is closed, and those connections would be refused at every start).
 */
export const CHROMIUM = '/usr/bin/chromium';

export const BROWSER_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** `describe` where Chromium is installed, and always in CI (which installs it): a missing browser there is a failure. */
export const describeInBrowser = existsSync(CHROMIUM) || process.env.CI ? describe : describe.skip;
