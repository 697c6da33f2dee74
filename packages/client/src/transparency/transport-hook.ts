/**
 * What the Node transport asks of key transparency (transport/node-transport.ts option
 * `transparency`; TransparencyClient implements it): a contact's account answer is passed
 * to the engine only after the log vouched for that exact device list (first contact, and
 * every refetch before devices join a group); a device list this device publishes is
 * recorded as its own change before it is sent, and the owner's labels are monitored after.
 */
export interface TransparencyHook {
  /** @throws when the log does not vouch for `servedDeviceList` as `username`'s latest list. */
  verifyContact(username: string, servedDeviceList: Uint8Array, token?: Uint8Array): Promise<unknown>;
  /** Records an account value (0x01 || signed device list) this device is about to publish. */
  recordOwnChange(value: Uint8Array): void;
  /** Runs an owner monitoring round (its failures and alerts are the hook's to report). */
  monitorOwn(): Promise<unknown>;
}
