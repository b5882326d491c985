'use client';

import { useEffect, useState } from 'react';

/** The order's status, updated as staff move it (server-sent events from this storefront's own server). */
export function LiveOrderStatus({ market, orderId, initial }: { market: string; orderId: string; initial: string }) {
  const [status, setStatus] = useState(initial);
  const [live, setLive] = useState(false);
  useEffect(() => {
    const events = new EventSource(`/api/${market}/orders/${orderId}/live`);
    events.addEventListener('status', (e) => {
      setStatus((JSON.parse((e as MessageEvent).data) as { status: string }).status);
      setLive(true);
    });
    events.addEventListener('problem', () => setLive(false));
    return () => events.close();
  }, [market, orderId]);
  return (
    <span id="order-status" data-live={live ? 'yes' : 'no'}>
      {status}
    </span>
  );
}
