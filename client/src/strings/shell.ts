/**
 * Interface text of the application shell (layout, sign-in, home, account, admin).
 * Features keep their own text in sibling files (`strings/forums.ts`, …).
 */
export const shell = {
  productName: "社区工作者协作论坛",
  productShortName: "协作论坛",
  districtName: "柳州市城中区",

  nav: {
    label: "主导航",
    home: "首页",
    openMenu: "打开导航菜单",
    menuTitle: "导航",
  },

  areas: {
    forums: { title: "书记论坛", description: "书记讲给书记听：现场发言、同步课件、提问与群众考书记评分。" },
    studios: { title: "导师工作室", description: "社区导师与结对书记的长期交流空间，随时沟通、答疑。" },
    proposals: { title: "党建项目", description: "多人协同撰写党建创新项目书，保存版本，参加课题评比。" },
    qa: { title: "老书记问答", description: "新书记提问，老书记答疑解惑，按六项能力分类检索。" },
  },
  comingSoon: (area: string) => `${area}功能即将上线`,
  comingSoonHint: "这一板块正在建设中，敬请期待。",
  backHome: "返回首页",

  connection: {
    label: "实时连接状态",
    connected: "已连接",
    reconnecting: "正在重连…",
    offline: "离线",
  },

  userMenu: {
    label: "用户菜单",
    account: "账号设置",
    admin: "用户管理",
    logout: "退出登录",
    loggedOut: "已退出登录",
  },

  login: {
    title: "登录",
    subtitle: "使用您的账号登录协作论坛",
    username: "用户名",
    password: "密码",
    usernameRequired: "请输入用户名",
    passwordRequired: "请输入密码",
    submit: "登录",
    invalidCredentials: "用户名或密码错误",
    rateLimited: (seconds: number) => `尝试次数过多，请 ${seconds} 秒后再试`,
    rateLimitedNoWait: "尝试次数过多，请稍后再试",
    accountDisabled: "该账号已被停用，请联系管理员",
    noAccount: "还没有账号？",
    toRegister: "注册新账号",
    sessionEnded: "登录已失效，请重新登录",
  },

  register: {
    title: "注册",
    subtitle: "注册后默认身份为居民，管理员可调整身份与所属社区",
    displayName: "姓名",
    displayNameRequired: "请填写姓名",
    username: "用户名",
    usernameHelp: "字母、数字、下划线、点或短横线",
    usernameMin: (n: number) => `用户名至少 ${n} 个字符`,
    usernamePattern: "用户名只能包含字母、数字、下划线、点和短横线",
    passwordMin: (n: number) => `密码至少 ${n} 位`,
    password: "密码",
    confirmPassword: "确认密码",
    confirmRequired: "请再次输入密码",
    mismatch: "两次输入的密码不一致",
    submit: "注册",
    hasAccount: "已有账号？",
    toLogin: "去登录",
    closed: "暂不开放注册，请联系管理员开通账号",
    conflict: "该用户名已被使用",
  },

  home: {
    greeting: (name: string) => `您好，${name}`,
    role: "身份",
    level: "层级",
    community: "所属社区",
    noCommunity: "未分配社区",
    partyMember: "党员",
    areasTitle: "功能板块",
    enter: "进入",
  },

  account: {
    title: "账号设置",
    profile: "个人信息",
    username: "用户名",
    displayName: "姓名",
    changePassword: "修改密码",
    currentPassword: "当前密码",
    newPassword: "新密码",
    confirmPassword: "确认新密码",
    currentRequired: "请输入当前密码",
    newRequired: "请输入新密码",
    mismatch: "两次输入的新密码不一致",
    submit: "修改密码",
    success: "密码已修改",
    wrongCurrent: "当前密码不正确",
  },

  admin: {
    title: "用户管理",
    search: "搜索姓名或用户名",
    total: (n: number) => `共 ${n} 人`,
    columns: {
      displayName: "姓名",
      username: "用户名",
      role: "身份",
      community: "所属社区",
      level: "层级",
      partyMember: "党员",
      status: "状态",
      actions: "操作",
    },
    roleFilter: "全部身份",
    noCommunity: "未分配",
    pickCommunity: "选择社区",
    enabled: "正常",
    disabled: "已停用",
    disable: "停用",
    enable: "启用",
    disableConfirm: (name: string) => `确定停用 ${name} 的账号？停用后该用户将立即退出登录。`,
    enableConfirm: (name: string) => `确定重新启用 ${name} 的账号？`,
    saved: "已保存",
    yes: "是",
    no: "否",
    self: "（我）",
    cannotEditSelf: "不能停用自己的账号",
    empty: "没有符合条件的用户",
    demo: "示范",
  },

  forbidden: {
    title: "无权访问",
    description: "您的账号没有访问此页面的权限。",
  },

  notFound: {
    title: "页面不存在",
    description: "您访问的页面不存在或已被移除。",
  },

  common: {
    loading: "加载中…",
    retry: "重试",
    cancel: "取消",
    confirm: "确定",
    loadFailed: "加载失败",
  },

  /** Fallback messages when the server gives none (by HTTP status). */
  httpErrors: {
    network: "网络连接失败，请检查网络后重试",
    timeout: "网络超时",
    400: "提交的内容有误",
    401: "请先登录",
    403: "没有权限执行此操作",
    404: "请求的内容不存在",
    409: "操作冲突，请刷新后重试",
    413: "内容过大",
    429: "操作太频繁，请稍后再试",
    500: "服务器出错了，请稍后再试",
    503: "服务暂时不可用，请稍后再试",
    other: "请求失败，请稍后再试",
  },
} as const;
