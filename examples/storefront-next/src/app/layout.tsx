import type { ReactNode } from 'react';
import './storefront.css';

export const metadata = { title: 'Storegraph storefront' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
