import { Global, Inject, Injectable, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../common/project-root.js';
import { AppConfig } from '../config/app-config.js';
import { LOGGER } from '../logging/logging.module.js';
import type { Logger } from '../logging/logger.js';
import { GraphqlMetricsPlugin } from './graphql-metrics.plugin.js';
import { MetricsController } from './metrics.controller.js';
import { Metrics } from './metrics.js';
import { startTracing, stopTracing } from './tracing.js';

/** Starts the OpenTelemetry SDK when OTEL_EXPORTER_OTLP_ENDPOINT is set; flushes and stops it last. */
@Injectable()
export class TracingLifecycle implements OnModuleInit, OnApplicationShutdown {
  private started = false;

  constructor(
    private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    const endpoint = this.config.OTEL_EXPORTER_OTLP_ENDPOINT;
    if (!endpoint) return;
    await startTracing({ endpoint, serviceName: this.config.OTEL_SERVICE_NAME, serviceVersion: packageVersion() }, this.logger);
    this.started = true;
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await stopTracing().catch((err: unknown) => this.logger.warn({ err }, 'tracing: spans could not be flushed at shutdown'));
  }
}

function packageVersion(): string {
  try {
    return String((JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version?: unknown }).version ?? 'unknown');
  } catch {
    return 'unknown';
  }
}

/**
 * Operations: Prometheus metrics (`GET /metrics`, the GraphQL plugin, and the Metrics every domain
 * reports to) and OpenTelemetry tracing. Global, so that a domain reports without importing it.
 */
@Global()
@Module({
  providers: [Metrics, GraphqlMetricsPlugin, TracingLifecycle],
  controllers: [MetricsController],
  exports: [Metrics],
})
export class OperationsModule {}
