/**
 * The resource every span carries: service, host, process, deployment environment, SDK. Built
 * only from values available synchronously, so no batch ever waits for a detector.
 */
import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Attributes } from '@opentelemetry/api';
import { SDK_INFO } from '@opentelemetry/core';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { Config } from './config';
import { DEPLOYMENT_ENVIRONMENT_NAME, HOST_NAME, SERVICE_NAME, SERVICE_VERSION } from './semconv';
import { VERSION } from './version';

/** Name and version of the application, read from `./package.json` when there is one. */
function appPackage(): { name?: string; version?: string } {
  try {
    const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
    return {
      name: typeof pkg.name === 'string' && pkg.name ? pkg.name : undefined,
      version: typeof pkg.version === 'string' && pkg.version ? pkg.version : undefined,
    };
  } catch {
    return {};
  }
}

export function buildResource(config: Config): Resource {
  const pkg = config.serviceName && config.serviceVersion ? {} : appPackage();
  const env = config.envResourceAttributes;
  const attrs: Attributes = {
    ...SDK_INFO,
    'telemetry.distro.name': 'agentops',
    'telemetry.distro.version': VERSION,
    [HOST_NAME]: safeHostname(),
    'process.pid': process.pid,
    'process.runtime.name': 'nodejs',
    'process.runtime.version': process.versions.node,
    // OTEL_RESOURCE_ATTRIBUTES overrides the detected values; options override everything.
    ...env,
  };
  const serviceName = config.serviceName ?? env[SERVICE_NAME] ?? pkg.name ?? 'agentops-app';
  attrs[SERVICE_NAME] = serviceName;
  const serviceVersion = config.serviceVersion ?? env[SERVICE_VERSION] ?? pkg.version;
  if (serviceVersion !== undefined) attrs[SERVICE_VERSION] = serviceVersion;
  const environment = config.environment ?? env[DEPLOYMENT_ENVIRONMENT_NAME];
  if (environment !== undefined) attrs[DEPLOYMENT_ENVIRONMENT_NAME] = environment;
  Object.assign(attrs, config.resourceAttributes);
  return resourceFromAttributes(attrs);
}

function safeHostname(): string {
  try {
    return hostname();
  } catch {
    return 'unknown';
  }
}
