// Builds the channel senders from the Worker's configuration: base URLs from [vars] (npm start
// and the tests point them at the local fakes), credentials from Worker secrets. Fixed fake
// credentials are used only when the URL is a local fake, so nothing local can reach a real
// provider and no real secret is ever in the repository.
import { providerSecret } from "../../config/local-secrets.ts";
import type { Channel } from "../../domain/dunning/cadence.ts";
import type { ChannelSender } from "./channel.ts";
import { resendSender } from "./resend.ts";
import { twilioSender } from "./twilio.ts";
import { whatsappSender } from "./whatsapp.ts";

interface MessagingSecrets {
  RESEND_API_KEY?: string;
  TWILIO_ACCOUNT_SID?: string;
  TWILIO_AUTH_TOKEN?: string;
  WHATSAPP_ACCESS_TOKEN?: string;
  WHATSAPP_APP_SECRET?: string;
  UNSUBSCRIBE_SIGNING_KEY?: string;
}

/** The secret, or the fixed fake credential when talking to a local fake; null = not configured. */
function credential(env: Env, name: keyof MessagingSecrets, url: string, fake: string): string | null {
  return providerSecret((env as unknown as MessagingSecrets)[name], url, fake);
}

export const FAKE_TWILIO = { accountSid: "ACfake00000000000000000000000000", authToken: "fake-twilio-auth-token" };
export const FAKE_WHATSAPP_APP_SECRET = "fake-meta-app-secret";

export function twilioAuthToken(env: Env): string | null {
  return credential(env, "TWILIO_AUTH_TOKEN", env.TWILIO_BASE_URL, FAKE_TWILIO.authToken);
}

/** Where Twilio posts delivery statuses: our public origin (PUBLIC_BASE_URL), never a relative URL. */
export function twilioStatusCallbackUrl(env: Env): string {
  return `${env.PUBLIC_BASE_URL.replace(/\/+$/, "")}/webhooks/twilio/status`;
}

/** Signs one-click unsubscribe links (a fixed fake key only while email goes to the local fake). */
export function unsubscribeKey(env: Env): string | null {
  return credential(env, "UNSUBSCRIBE_SIGNING_KEY", env.RESEND_BASE_URL, "fake-unsubscribe-signing-key");
}

export function whatsappAppSecret(env: Env): string | null {
  return credential(env, "WHATSAPP_APP_SECRET", env.WHATSAPP_BASE_URL, FAKE_WHATSAPP_APP_SECRET);
}

const notConfigured = (what: string): ChannelSender => ({ send: async () => ({ kind: "retry", error: `${what} credentials are not configured` }) });

export function senderFor(env: Env, channel: Channel): ChannelSender {
  if (channel === "email") {
    const key = credential(env, "RESEND_API_KEY", env.RESEND_BASE_URL, "re_fake_key");
    return key ? resendSender({ baseUrl: env.RESEND_BASE_URL, apiKey: key, from: env.REMINDER_EMAIL_FROM }) : notConfigured("Resend");
  }
  if (channel === "sms") {
    const sid = credential(env, "TWILIO_ACCOUNT_SID", env.TWILIO_BASE_URL, FAKE_TWILIO.accountSid);
    const token = twilioAuthToken(env);
    return sid && token ? twilioSender({ baseUrl: env.TWILIO_BASE_URL, accountSid: sid, authToken: token, from: env.TWILIO_FROM_NUMBER }) : notConfigured("Twilio");
  }
  const token = credential(env, "WHATSAPP_ACCESS_TOKEN", env.WHATSAPP_BASE_URL, "fake-whatsapp-token");
  return token ? whatsappSender({ baseUrl: env.WHATSAPP_BASE_URL, phoneNumberId: env.WHATSAPP_PHONE_NUMBER_ID, accessToken: token, template: "payment_reminder", language: "en" }) : notConfigured("WhatsApp");
}
