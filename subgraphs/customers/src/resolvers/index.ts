import { MinorUnitsScalar } from '@storegraph/schema';
import { accountResolvers } from './account.resolvers.ts';
import { companyResolvers } from './company.resolvers.ts';
import { customerResolvers } from './customer.resolvers.ts';

/** Result unions carry their member's name in `__typename`, set by the service that built them. */
const byTypename = { __resolveType: (r: { __typename: string }) => r.__typename };

export const resolvers = {
  MinorUnits: MinorUnitsScalar,
  Query: accountResolvers.Query,
  Mutation: accountResolvers.Mutation,
  ...customerResolvers,
  ...companyResolvers,
  SignUpResult: byTypename,
  SignInResult: byTypename,
  RefreshSessionResult: byTypename,
  VerifyEmailResult: byTypename,
  ResetPasswordResult: byTypename,
  AddressResult: byTypename,
  CompanyBuyerResult: byTypename,
  ProfileResult: byTypename,
};
