// Twilio's IncomingPhoneNumber resource (a number the account owns) and its form fields.

export interface PhoneNumberCapabilities {
  voice: boolean;
  sms: boolean;
  mms: boolean;
  fax?: boolean;
}

export type HttpMethod = 'GET' | 'POST';

export interface IncomingPhoneNumber {
  sid: string;
  account_sid: string;
  address_sid: string | null;
  address_requirements: 'none' | 'any' | 'local' | 'foreign';
  api_version: string;
  beta: boolean;
  capabilities: PhoneNumberCapabilities;
  date_created: string;
  date_updated: string;
  friendly_name: string;
  identity_sid: string | null;
  phone_number: string;
  origin: string;
  sms_application_sid: string | null;
  sms_fallback_method: HttpMethod;
  sms_fallback_url: string | null;
  sms_method: HttpMethod;
  sms_url: string | null;
  status_callback: string | null;
  status_callback_method: HttpMethod;
  trunk_sid: string | null;
  uri: string;
  voice_receive_mode?: 'voice' | 'fax';
  voice_application_sid: string | null;
  voice_caller_id_lookup: boolean;
  voice_fallback_method: HttpMethod;
  voice_fallback_url: string | null;
  voice_method: HttpMethod;
  voice_url: string | null;
  emergency_status: 'Active' | 'Inactive';
  emergency_address_sid: string | null;
  emergency_address_status?: string;
  bundle_sid: string | null;
  status: string;
  type?: string;
  subresource_uris?: Record<string, string> | null;
}

/** Fields shared by purchase and update. */
export interface IncomingPhoneNumberFields {
  FriendlyName?: string;
  ApiVersion?: string;
  SmsUrl?: string;
  SmsMethod?: HttpMethod;
  SmsFallbackUrl?: string;
  SmsFallbackMethod?: HttpMethod;
  SmsApplicationSid?: string;
  StatusCallback?: string;
  StatusCallbackMethod?: HttpMethod;
  VoiceUrl?: string;
  VoiceMethod?: HttpMethod;
  VoiceFallbackUrl?: string;
  VoiceFallbackMethod?: HttpMethod;
  VoiceCallerIdLookup?: boolean;
  VoiceApplicationSid?: string;
  VoiceReceiveMode?: 'voice' | 'fax';
  TrunkSid?: string;
  EmergencyStatus?: 'Active' | 'Inactive';
  EmergencyAddressSid?: string;
  IdentitySid?: string;
  AddressSid?: string;
  BundleSid?: string;
}

/** Purchase: Twilio needs `PhoneNumber` or `AreaCode`. */
export type IncomingPhoneNumberCreateParams = IncomingPhoneNumberFields &
  ({ PhoneNumber: string; AreaCode?: string } | { AreaCode: string; PhoneNumber?: string });

export interface IncomingPhoneNumberUpdateParams extends IncomingPhoneNumberFields {
  /** moves the number to another (sub)account */
  AccountSid?: string;
}

export interface IncomingPhoneNumberListParams {
  Beta?: boolean;
  FriendlyName?: string;
  /** partial match; `*` matches any digit */
  PhoneNumber?: string;
  Origin?: string;
  PageSize?: number;
  Page?: number;
  PageToken?: string;
}
