import { notFound } from 'next/navigation';
import { marketOf } from '@/lib/markets';
import { signUp } from '../account.actions';

export const dynamic = 'force-dynamic';

export default async function SignUp({ params, searchParams }: { params: Promise<{ market: string }>; searchParams: Promise<{ problem?: string }> }) {
  const market = marketOf((await params).market);
  if (!market) notFound();
  const { problem } = await searchParams;
  return (
    <section>
      <h1>Create an account</h1>
      {problem ? (
        <p className="problem" id="problem">
          {problem === 'EmailTaken' ? 'That email already has an account.' : problem}
        </p>
      ) : null}
      <form action={signUp} className="stack" id="sign-up">
        <input type="hidden" name="market" value={market.slug} />
        <label>
          Name <input name="name" autoComplete="name" />
        </label>
        <label>
          Email <input type="email" name="email" required autoComplete="username" />
        </label>
        <label>
          Password <input type="password" name="password" required minLength={10} autoComplete="new-password" />
        </label>
        <button type="submit">Create account</button>
      </form>
    </section>
  );
}
