import { Module } from '@nestjs/common';
import { join } from 'node:path';
import { projectRoot } from '../common/project-root.js';
import { ConsoleAssets } from './console-assets.js';
import { ConsoleController } from './console.controller.js';

/** The web consoles (console/ in the repository, built into dist/console), served under /console/. */
@Module({
  controllers: [ConsoleController],
  providers: [{ provide: ConsoleAssets, useFactory: () => new ConsoleAssets(join(projectRoot(), 'dist', 'console')) }],
})
export class ConsoleModule {}
