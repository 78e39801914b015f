import { Controller, Get, Inject, NotFoundException, Param, Redirect, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '../identity/public.decorator.js';
import { ConsoleAssets } from './console-assets.js';

/**
 * The consoles' policy: scripts, styles and images only from the gateway itself, requests only to
 * it (the app talks to /graphql alone), no inline script or style, no framing.
 */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Serves the web consoles under /console/ (public files: what a caller may do is decided by /graphql and its token). */
@Public()
@Controller()
export class ConsoleController {
  constructor(@Inject(ConsoleAssets) private readonly assets: ConsoleAssets) {}

  /** `/`: whoever opens the gateway's address in a browser lands on the console. */
  @Get()
  @Redirect('/console/', 302)
  root(): void {}

  /** `/console` and `/console/` (the router ignores the trailing slash): the app's page. */
  @Get('console')
  index(@Res() reply: FastifyReply): void {
    this.send(reply, '');
  }

  @Get('console/*')
  file(@Param('*') path: string, @Res() reply: FastifyReply): void {
    this.send(reply, path);
  }

  private send(reply: FastifyReply, path: string): void {
    if (!this.assets.built) throw new NotFoundException('the console is not built: run `npm run build`');
    const asset = this.assets.find(path);
    if (!asset) throw new NotFoundException('no such console file');
    void reply
      .header('content-type', asset.type)
      .header('content-security-policy', CONSOLE_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      // The page itself is revalidated, so a new build is picked up; its files are small.
      .header('cache-control', 'no-cache')
      .send(asset.body);
  }
}
