import { MinorUnitsScalar } from '@storegraph/schema';
import { accountResolvers } from './account.resolvers.ts';
import { companyResolvers } from './company.resolvers.ts';
import { customerResolvers } from './customer.resolvers.ts';
import { staffResolvers } from './staff.resolvers.ts';
import { tillResolvers } from './till.resolvers.ts';

/** Result unions carry their member's name in `__typename`, set by the service that built them. */
const byTypename = { __resolveType: (r: { __typename: string }) => r.__typename };

export const resolvers = {
  MinorUnits: MinorUnitsScalar,
  Query: { ...accountResolvers.Query, ...staffResolvers.Query, ...tillResolvers.Query },
  Mutation: { ...accountResolvers.Mutation, ...staffResolvers.Mutation, ...tillResolvers.Mutation },
  StaffMember: staffResolvers.StaffMember,
  TillStaffMember: tillResolvers.TillStaffMember,
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
  StaffSignInResult: byTypename,
  RefreshStaffSessionResult: byTypename,
  StaffMemberResult: byTypename,
  StaffRoleResult: byTypename,
  DeleteStaffRoleResult: byTypename,
  StaffGrantResult: byTypename,
  ConfirmTotpResult: byTypename,
  RegisterTillResult: byTypename,
  RegisterTillStaffResult: byTypename,
  UpdateTillStaffResult: byTypename,
  ResetTillStaffPinResult: byTypename,
  ChangeMyTillPinResult: byTypename,
  TillSignInResult: byTypename,
  ApproveTillDiscountResult: byTypename,
};
