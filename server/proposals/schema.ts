// Tables of the proposals feature.
export {};
