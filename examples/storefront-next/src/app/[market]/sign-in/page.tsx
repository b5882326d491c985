import Link from 'next/link';
import { notFound } from 'next/navigation';
import { marketOf } from '@/lib/markets';
import { signIn } from '../account.actions';

export const dynamic = 'force-dynamic';

export default async function SignIn({
  params,
  searchParams,
}: {
  params: Promise<{ market: string }>;
  searchParams: Promise<{ problem?: string; next?: string }>;
}) {
  const market = marketOf((await params).market);
  if (!market) notFound();
  const { problem, next } = await searchParams;
  return (
    <section>
      <h1>Sign in</h1>
      {problem ? (
        <p className="problem" id="problem">
          {problem === 'SignInFailed' ? 'Email or password is wrong.' : problem}
        </p>
      ) : null}
      <form action={signIn} className="stack" id="sign-in">
        <input type="hidden" name="market" value={market.slug} />
        <input type="hidden" name="next" value={next ?? ''} />
        <label>
          Email <input type="email" name="email" required autoComplete="username" />
        </label>
        <label>
          Password <input type="password" name="password" required autoComplete="current-password" />
        </label>
        <button type="submit">Sign in</button>
      </form>
      <p>
        New here?{' '}
        <Link href={`/${market.slug}/sign-up`} id="sign-up-link">
          Create an account
        </Link>
      </p>
    </section>
  );
}
