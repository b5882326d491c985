import { describe, expect, it } from 'vitest';
import { answerTags, eventTags } from './catalogue-tags.rules';

describe('catalogue tags', () => {
  it('tags an answer with every id it holds, at any depth, once each', () => {
    const answer = {
      data: {
        product: {
          id: 'prd_1',
          name: 'Parka',
          variants: [
            { id: 'var_1', price: { unit: { amount: 4000, currency: 'EUR' } }, availability: { locations: [{ location: { id: 'loc_a' } }] } },
            { id: 'var_2', availability: { locations: [{ location: { id: 'loc_a' } }] } },
          ],
        },
      },
    };
    expect(answerTags(answer).sort()).toEqual(['loc_a', 'prd_1', 'var_1', 'var_2']);
  });

  it('ignores ids that are not strings and answers without any', () => {
    expect(answerTags({ data: { node: { id: 7 }, items: [null, 'id', { slug: 'x' }] } })).toEqual([]);
    expect(answerTags(null)).toEqual([]);
  });

  it('drops the variant a price.changed names, and the product and variant a product.updated names', () => {
    expect(eventTags({ type: 'price.changed', data: { variantId: 'var_1', bookId: 'bk_base_eur' } })).toEqual(['var_1']);
    expect(eventTags({ type: 'product.updated', data: { productId: 'prd_1', variantId: 'var_2' } })).toEqual(['prd_1', 'var_2']);
    // A product-level change names no variant.
    expect(eventTags({ type: 'product.updated', data: { productId: 'prd_1', variantId: null } })).toEqual(['prd_1']);
  });

  it('drops nothing for other events or a body without data', () => {
    expect(eventTags({ type: 'order.placed', data: { orderId: 'ord_1', variantId: 'var_1' } })).toEqual([]);
    expect(eventTags({ type: 'price.changed', data: null })).toEqual([]);
    expect(eventTags({})).toEqual([]);
  });
});
