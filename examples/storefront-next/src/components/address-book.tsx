import type { Market } from '@/lib/markets';
import { addAddress, makeDefaultShipping, removeAddress } from '@/app/[market]/address-book.actions';

type Saved = {
  id: string;
  label: string | null;
  defaultShipping: boolean;
  defaultBilling: boolean;
  address: {
    name: string;
    company: string | null;
    line1: string;
    line2: string | null;
    postalCode: string;
    city: string;
    region: string | null;
    country: string;
  };
};

/** The signed-in customer's address book: each saved address, its defaults, and a form to add one. */
export function AddressBook({ market, addresses, problem }: { market: Market; addresses: Saved[]; problem?: string }) {
  return (
    <section id="addresses">
      <h2>Addresses</h2>
      {problem ? (
        <p className="problem" id="address-problem">
          {problem}
        </p>
      ) : null}
      {addresses.length === 0 ? <p id="no-addresses">No saved addresses yet.</p> : null}
      <ul>
        {addresses.map((a) => (
          <li key={a.id} className="address" data-address-id={a.id} data-default-shipping={a.defaultShipping ? 'yes' : 'no'}>
            <strong className="label">{a.label ?? a.address.name}</strong>{' '}
            <span className="lines">
              {[
                a.address.name,
                a.address.company,
                a.address.line1,
                a.address.line2,
                `${a.address.postalCode} ${a.address.city}`,
                a.address.region,
                a.address.country,
              ]
                .filter(Boolean)
                .join(', ')}
            </span>{' '}
            {a.defaultShipping ? <em className="default">default for delivery</em> : null} {a.defaultBilling ? <em>default for billing</em> : null}
            {a.defaultShipping ? null : (
              <form action={makeDefaultShipping} className="inline">
                <input type="hidden" name="market" value={market.slug} />
                <input type="hidden" name="addressId" value={a.id} />
                <button type="submit" className="make-default">
                  Deliver here by default
                </button>
              </form>
            )}
            <form action={removeAddress} className="inline">
              <input type="hidden" name="market" value={market.slug} />
              <input type="hidden" name="addressId" value={a.id} />
              <button type="submit" className="remove">
                Remove
              </button>
            </form>
          </li>
        ))}
      </ul>
      <form action={addAddress} className="stack" id="add-address">
        <input type="hidden" name="market" value={market.slug} />
        <label>
          Label <input name="label" placeholder="Home" />
        </label>
        <label>
          Name <input name="name" required />
        </label>
        <label>
          Street <input name="line1" required />
        </label>
        <label>
          Postal code <input name="postalCode" required />
        </label>
        <label>
          City <input name="city" required />
        </label>
        <label>
          Region <input name="region" />
        </label>
        <label>
          Country <input name="country" required maxLength={2} defaultValue={market.locale.split('-')[1]} />
        </label>
        <label>
          <input type="checkbox" name="defaultShipping" /> Deliver here by default
        </label>
        <button type="submit">Save address</button>
      </form>
    </section>
  );
}
