import { Select, type SelectProps } from "antd";
import { useCommunityIndex, useOrg } from "../org.ts";
import { shell } from "../strings/shell.ts";

type Props = Omit<SelectProps<string | null>, "options" | "onChange" | "value"> & {
  value?: string | null;
  onChange?: (communityId: string | null) => void;
};

/** Picks a community, grouped by street, searchable by name; clearing it means "none". */
export function CommunitySelect({ value, onChange, ...rest }: Props) {
  const { data: streets, isLoading } = useOrg();
  const index = useCommunityIndex();
  const options = (streets ?? []).map((street) => ({
    label: street.name,
    title: street.name,
    options: street.communities.map((c) => ({
      value: c.id,
      label: c.name,
      search: `${street.name}${c.name}`,
    })),
  }));
  return (
    <Select<string | null>
      showSearch={{ optionFilterProp: "search" }}
      allowClear
      placeholder={shell.admin.pickCommunity}
      loading={isLoading}
      options={options}
      value={value ?? null}
      onChange={(v) => onChange?.(v ?? null)}
      popupMatchSelectWidth={false}
      labelRender={({ value, label }) => index.get(String(value))?.name ?? label}
      {...rest}
    />
  );
}
