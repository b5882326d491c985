import { mutationResolvers } from './mutation.resolvers.ts';
import { queryResolvers } from './query.resolvers.ts';
import { typeResolvers } from './type.resolvers.ts';

export const resolvers = {
  Query: queryResolvers,
  Mutation: mutationResolvers,
  ...typeResolvers,
};
