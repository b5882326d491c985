import { redirect } from 'next/navigation';
import { MARKETS } from '@/lib/markets';

export default function Home() {
  redirect(`/${MARKETS[0]!.slug}`);
}
