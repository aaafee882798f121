/** The class of a header or drawer link: the current area's link is marked active. */
export const navClass = ({ isActive }: { isActive: boolean }) => (isActive ? "nav-link nav-link-active" : "nav-link");
