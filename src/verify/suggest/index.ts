/** Proposing versions with verified provenance: candidates, the search, and rewriting the spec. */
export { candidateOrder, newestFirstAttested, type CandidateInput } from './candidates';
export { findSuggestion, type Suggestion, type SuggestionOptions, type SuggestionRequest } from './find';
export { rewriteSpec, type SpecRewrite } from './rewrite';
