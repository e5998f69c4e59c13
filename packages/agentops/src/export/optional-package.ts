/**
 * Packages that only some users need are optional peers of the SDK: present when the application
 * installed them, loaded only when used. This says whether one is there, and what to tell the user
 * when it is not.
 */
export const GRPC_PACKAGE = '@grpc/grpc-js';

/** True when `name` resolves from the SDK (and so from the application that installed both). */
export function hasPackage(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** `OTLP over gRPC needs the optional package @grpc/grpc-js; install it: npm install @grpc/grpc-js` */
export function missingPackageMessage(what: string, name: string): string {
  return `${what} needs the optional package ${name}; install it: npm install ${name}`;
}
