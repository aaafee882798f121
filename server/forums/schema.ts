// Tables of the forums feature.
export {};
