/** Steps a person takes in the web client, as playwright calls on accessible names. */
import type { Page } from 'playwright-core';

/** `maxCheckpointAgeSeconds`: typed into the sign-up's key-transparency options (else left empty). */
export async function createAccount(page: Page, username: string, passcode: string, maxCheckpointAgeSeconds?: number): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Passcode', { exact: true }).fill(passcode);
  await page.getByLabel('Passcode again').fill(passcode);
  if (maxCheckpointAgeSeconds !== undefined) {
    await page.getByText('Key-transparency options').click();
    await page.getByLabel('Refuse a log checkpoint older than (seconds)').fill(String(maxCheckpointAgeSeconds));
  }
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.locator('.who', { hasText: username }).waitFor();
  await page.getByRole('status', { name: 'Connected' }).waitFor();
}

export async function newConversation(page: Page, names: string): Promise<string> {
  await page.getByRole('link', { name: 'New', exact: true }).click();
  await page.getByLabel(/^Usernames/).fill(names);
  await page.getByRole('button', { name: 'Start' }).click();
  await page.getByLabel('Message', { exact: true }).waitFor();
  return new URL(page.url()).hash.replace('#/c/', '');
}

export async function sendText(page: Page, text: string): Promise<void> {
  const box = page.getByLabel('Message', { exact: true });
  await box.fill(text);
  await box.press('Enter');
  await page.locator('.message.outgoing .text', { hasText: text }).last().waitFor();
}

export async function openConversation(page: Page, id: string): Promise<void> {
  await page.locator(`a[data-conversation="${id}"]`).click();
  await page.getByLabel('Message', { exact: true }).waitFor();
}

export async function unlock(page: Page, passcode: string): Promise<void> {
  await page.getByLabel('Passcode').fill(passcode);
  await page.getByRole('button', { name: 'Unlock' }).click();
}

/**
 * Links a new device (a new context of `browser`) to the account signed in on `approver`:
 * code on the new device, entered on the approver's devices screen. Returns the new device.
 */
export async function linkNewDevice(newDevice: Page, approver: Page, passcode: string): Promise<void> {
  await newDevice.getByRole('button', { name: 'Link this device' }).click();
  await newDevice.getByLabel('Passcode for this device').fill(passcode);
  await newDevice.getByLabel('Passcode again').fill(passcode);
  await newDevice.getByRole('button', { name: 'Show link code' }).click();
  const code = (await newDevice.getByTestId('link-code').innerText()).trim();
  await approver.getByRole('link', { name: 'Devices' }).click();
  await approver.getByLabel('Code shown on the new device').fill(code);
  await approver.getByRole('button', { name: 'Link device' }).click();
  await approver.getByTestId('link-result').waitFor();
}
