/** KeyPackage lifetimes both libraries accept (ts-mls caps the total at one month by default). */
export function benchLifetime(): { notBefore: bigint; notAfter: bigint } {
  const now = BigInt(Math.floor(Date.now() / 1000));
  return { notBefore: now - 3600n, notAfter: now + 7n * 24n * 3600n };
}
