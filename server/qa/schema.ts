// Tables of the qa feature.
export {};
