import { storefrontConfig } from './storefront-config';

/** Product media is drawn only from hosts the operator listed (STOREFRONT_MEDIA_HOSTS): no other host is asked. */
export function showableMedia(url: string): boolean {
  try {
    return storefrontConfig().mediaHosts.includes(new URL(url).host);
  } catch {
    return false;
  }
}
