// Tables of the studios feature.
export {};
