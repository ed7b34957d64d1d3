<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
    <context>
        <name>ActionBar</name>
        <message>
            <source>您对该事件暂无可执行的操作</source>
            <translation>No actions available to you on this event</translation>
        </message>
    </context>
    <context>
        <name>ActionFormWidget</name>
        <message>
            <source>提交</source>
            <translation>Submit</translation>
        </message>
        <message>
            <source>取消</source>
            <translation>Cancel</translation>
        </message>
        <message>
            <source>（按派单规则）</source>
            <translation>(by the dispatch rules)</translation>
        </message>
        <message>
            <source>（不选）</source>
            <translation>(none)</translation>
        </message>
        <message>
            <source>请选择…</source>
            <translation>Choose…</translation>
        </message>
        <message>
            <source>此项必须填写</source>
            <translation>This field is required</translation>
        </message>
        <message>
            <source>提交中…</source>
            <translation>Submitting…</translation>
        </message>
        <message>
            <source>重新载入</source>
            <translation>Reload</translation>
        </message>
        <message>
            <source>此操作当前已不可执行（事件已变化），可取消后重新选择</source>
            <translation>This action is no longer possible (the event changed); cancel and choose again</translation>
        </message>
    </context>
    <context>
        <name>App</name>
        <message>
            <source>指挥室</source>
            <translation>CommandRoom</translation>
        </message>
    </context>
    <context>
        <name>CameraList</name>
        <message>
            <source>道路</source>
            <translation>road</translation>
        </message>
        <message>
            <source>出入口</source>
            <translation>entrance</translation>
        </message>
        <message>
            <source>河道</source>
            <translation>river</translation>
        </message>
        <message>
            <source>厂区门口</source>
            <translation>factory gate</translation>
        </message>
        <message>
            <source>市场</source>
            <translation>market</translation>
        </message>
        <message>
            <source>学校</source>
            <translation>school</translation>
        </message>
        <message>
            <source>制高点</source>
            <translation>high point</translation>
        </message>
    </context>
    <context>
        <name>CamerasView</name>
        <message>
            <source>附近没有摄像机</source>
            <translation>No camera nearby</translation>
        </message>
        <message>
            <source>在视频墙上最大化显示 {code}</source>
            <translation>Show {code} maximised on the wall</translation>
        </message>
    </context>
    <context>
        <name>CasePanel</name>
        <message>
            <source>正在载入…</source>
            <translation>Loading…</translation>
        </message>
        <message>
            <source>刷新</source>
            <translation>Refresh</translation>
        </message>
        <message>
            <source>概要</source>
            <translation>Summary</translation>
        </message>
        <message>
            <source>时间线</source>
            <translation>Timeline</translation>
        </message>
        <message>
            <source>照片与抓拍</source>
            <translation>Photos</translation>
        </message>
        <message>
            <source>时限</source>
            <translation>Deadlines</translation>
        </message>
        <message>
            <source>附近摄像机</source>
            <translation>Nearby cameras</translation>
        </message>
        <message>
            <source>时间线 (%1)</source>
            <translation>Timeline (%1)</translation>
        </message>
        <message>
            <source>照片与抓拍 (%1)</source>
            <translation>Photos (%1)</translation>
        </message>
        <message>
            <source>派单</source>
            <translation>Dispatch</translation>
        </message>
        <message>
            <source>升级上报</source>
            <translation>Escalate</translation>
        </message>
        <message>
            <source>办结 / 核查通过</source>
            <translation>Close / verify</translation>
        </message>
        <message>
            <source>备注</source>
            <translation>Comment</translation>
        </message>
        <message>
            <source>重试</source>
            <translation>Retry</translation>
        </message>
        <message>
            <source>选择一条事件查看详情</source>
            <translation>Select an event to see its case</translation>
        </message>
        <message>
            <source>正由 {holder} 处理中（至 {until}）</source>
            <translation>Being handled by {holder} (until {until})</translation>
        </message>
        <message>
            <source>解除锁定</source>
            <translation>Break the lock</translation>
        </message>
        <message>
            <source>已{action}：{code}</source>
            <translation>{action}: {code}</translation>
        </message>
        <message>
            <source>；</source>
            <translation>; </translation>
        </message>
        <message>
            <source>无法读取文件 {name}：{detail}</source>
            <translation>Cannot read {name}: {detail}</translation>
        </message>
        <message>
            <source>已被 {actor} 于 {at} {action}</source>
            <translation>{actor}: {action} at {at}</translation>
        </message>
        <message>
            <source>（您正在填写的内容已保留，提交前可重新载入）</source>
            <translation>(What you were typing is kept; reload before submitting)</translation>
        </message>
        <message>
            <source>重新载入</source>
            <translation>Reload</translation>
        </message>
        <message>
            <source>请先登录并选择一条事件</source>
            <translation>Log in and select an event first</translation>
        </message>
        <message>
            <source>已将 {camera} 的抓拍附加到 {code}</source>
            <translation>Attached a snapshot of {camera} to {code}</translation>
        </message>
    </context>
    <context>
        <name>CaseWords</name>
        <message>
            <source>意见/说明</source>
            <translation>Note</translation>
        </message>
        <message>
            <source>原因类别</source>
            <translation>Reason</translation>
        </message>
        <message>
            <source>承办单位</source>
            <translation>Owner</translation>
        </message>
        <message>
            <source>重复于（事件）</source>
            <translation>Duplicate of (event)</translation>
        </message>
        <message>
            <source>延期天数</source>
            <translation>Days of extension</translation>
        </message>
        <message>
            <source>复核日期</source>
            <translation>Review date</translation>
        </message>
        <message>
            <source>办理结果类型</source>
            <translation>Result type</translation>
        </message>
        <message>
            <source>办理结果说明</source>
            <translation>Result description</translation>
        </message>
        <message>
            <source>照片</source>
            <translation>Photos</translation>
        </message>
        <message>
            <source>回访满意度</source>
            <translation>Follow-up satisfaction</translation>
        </message>
        <message>
            <source>督办类型</source>
            <translation>Supervision type</translation>
        </message>
        <message>
            <source>阶段</source>
            <translation>Phase</translation>
        </message>
        <message>
            <source>事件类别</source>
            <translation>Event category</translation>
        </message>
        <message>
            <source>等级</source>
            <translation>Level</translation>
        </message>
        <message>
            <source>网格</source>
            <translation>Grid</translation>
        </message>
        <message>
            <source>标题</source>
            <translation>Title</translation>
        </message>
        <message>
            <source>描述</source>
            <translation>Description</translation>
        </message>
    </context>
    <context>
        <name>ClocksView</name>
        <message>
            <source>时限</source>
            <translation>Deadline</translation>
        </message>
        <message>
            <source>单位</source>
            <translation>Unit</translation>
        </message>
        <message>
            <source>开始</source>
            <translation>Start</translation>
        </message>
        <message>
            <source>到期</source>
            <translation>Due</translation>
        </message>
        <message>
            <source>状态</source>
            <translation>Status</translation>
        </message>
    </context>
    <context>
        <name>DemoControls</name>
        <message>
            <source>演示控制</source>
            <translation>Demo controls</translation>
        </message>
        <message>
            <source>演示场景</source>
            <translation>Scenario</translation>
        </message>
        <message>
            <source>暂停</source>
            <translation>Pause</translation>
        </message>
        <message>
            <source>暂停或继续自动生成事件</source>
            <translation>Pause or resume generating events</translation>
        </message>
        <message>
            <source>速度</source>
            <translation>Speed</translation>
        </message>
        <message>
            <source>每分钟新事件</source>
            <translation>New events per minute</translation>
        </message>
        <message>
            <source>重置演示</source>
            <translation>Reset demo</translation>
        </message>
        <message>
            <source>删除演示库并重新生成，再次登录</source>
            <translation>Delete the demo database, generate it again and log in again</translation>
        </message>
        <message>
            <source>继续</source>
            <translation>Resume</translation>
        </message>
        <message>
            <source>已生成 %1 条 · 推进 %2 次</source>
            <translation>%1 new · %2 moved on</translation>
        </message>
        <message>
            <source>演示场景新上报的事件数，以及推进案件的次数（派单、退回、升级、延期、挂账、督办、办结、核查等）</source>
            <translation>Events the scenario has reported, and how many times it moved a case on (dispatch, return, escalate, extend, hold, supervise, close, verify and more)</translation>
        </message>
    </context>
    <context>
        <name>DuplicatePicker</name>
        <message>
            <source>事件编号或标题关键词</source>
            <translation>Event code or words from the title</translation>
        </message>
        <message>
            <source>搜索</source>
            <translation>Search</translation>
        </message>
    </context>
    <context>
        <name>EventPanel</name>
        <message>
            <source>登录后显示本单位的待办事件</source>
            <translation>Log in to see your unit's queue</translation>
        </message>
        <message>
            <source>下一条事件</source>
            <translation>Next event</translation>
        </message>
        <message>
            <source>上一条事件</source>
            <translation>Previous event</translation>
        </message>
        <message>
            <source>连接中…</source>
            <translation>Connecting…</translation>
        </message>
        <message>
            <source>我的待办</source>
            <translation>My queue</translation>
        </message>
        <message>
            <source>待处理</source>
            <translation>Pending</translation>
        </message>
        <message>
            <source>超期</source>
            <translation>Overdue</translation>
        </message>
        <message>
            <source>三级以上</source>
            <translation>Level ≥ 3</translation>
        </message>
        <message>
            <source>全部</source>
            <translation>All</translation>
        </message>
        <message>
            <source>离线（正在重连）</source>
            <translation>offline (reconnecting)</translation>
        </message>
        <message>
            <source>实时</source>
            <translation>live</translation>
        </message>
        <message>
            <source>轮询</source>
            <translation>polling</translation>
        </message>
        <message numerus="yes">
            <source>%n 条</source>
            <translation>
                <numerusform>%n event</numerusform>
                <numerusform>%n events</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>EventTableModel</name>
        <message>
            <source>截止 %1</source>
            <translation>Due %1</translation>
        </message>
    </context>
    <context>
        <name>EventTicker</name>
        <message numerus="yes">
            <source>实时事件（%n 条）</source>
            <translation>
                <numerusform>Live events (%n)</numerusform>
                <numerusform>Live events (%n)</numerusform>
            </translation>
        </message>
        <message>
            <source>事件数据暂不可用，正在重连…</source>
            <translation>Event data unavailable, reconnecting…</translation>
        </message>
    </context>
    <context>
        <name>FieldsView</name>
        <message>
            <source>%1（%2）</source>
            <translation>%1 (%2)</translation>
        </message>
        <message>
            <source>事件编号</source>
            <translation>Event code</translation>
        </message>
        <message>
            <source>标题</source>
            <translation>Title</translation>
        </message>
        <message>
            <source>状态</source>
            <translation>Status</translation>
        </message>
        <message>
            <source>等级</source>
            <translation>Level</translation>
        </message>
        <message>
            <source>紧急程度</source>
            <translation>Urgency</translation>
        </message>
        <message>
            <source>类别</source>
            <translation>Category</translation>
        </message>
        <message>
            <source>来源</source>
            <translation>Source</translation>
        </message>
        <message>
            <source>地点</source>
            <translation>Place</translation>
        </message>
        <message>
            <source>上报人</source>
            <translation>Reporter</translation>
        </message>
        <message>
            <source>承办单位</source>
            <translation>Owner</translation>
        </message>
        <message>
            <source>上报时间</source>
            <translation>Reported</translation>
        </message>
        <message>
            <source>派单时间</source>
            <translation>Dispatched</translation>
        </message>
        <message>
            <source>处置时限</source>
            <translation>Deadline</translation>
        </message>
        <message>
            <source>描述</source>
            <translation>Description</translation>
        </message>
        <message>
            <source>办理结果</source>
            <translation>Result</translation>
        </message>
        <message>
            <source>核查结果</source>
            <translation>Verification</translation>
        </message>
        <message>
            <source>无效原因</source>
            <translation>Invalid because</translation>
        </message>
        <message>
            <source>重复于</source>
            <translation>Duplicate of</translation>
        </message>
        <message>
            <source>关联原事件</source>
            <translation>Original event</translation>
        </message>
        <message>
            <source>待审定</source>
            <translation>Awaiting decision</translation>
        </message>
        <message>
            <source>已退回两次，由上级审定</source>
            <translation>Returned twice: the level above decides</translation>
        </message>
        <message>
            <source>退回/返工/升级/派单</source>
            <translation>Return / rework / escalate / dispatch</translation>
        </message>
        <message>
            <source>版本</source>
            <translation>Version</translation>
        </message>
    </context>
    <context>
        <name>FilterBar</name>
        <message>
            <source>状态</source>
            <translation>Status</translation>
        </message>
        <message>
            <source>全部状态</source>
            <translation>All statuses</translation>
        </message>
        <message>
            <source>等级</source>
            <translation>Level</translation>
        </message>
        <message>
            <source>全部等级</source>
            <translation>All levels</translation>
        </message>
        <message>
            <source>%1级</source>
            <translation>Level %1</translation>
        </message>
        <message>
            <source>类别</source>
            <translation>Category</translation>
        </message>
        <message>
            <source>镇街</source>
            <translation>Town</translation>
        </message>
        <message>
            <source>村社</source>
            <translation>Village</translation>
        </message>
        <message>
            <source>网格</source>
            <translation>Grid</translation>
        </message>
        <message>
            <source>来源</source>
            <translation>Source</translation>
        </message>
        <message>
            <source>全部来源</source>
            <translation>All sources</translation>
        </message>
        <message>
            <source>搜索编号/标题/描述</source>
            <translation>Search code / title / description</translation>
        </message>
        <message>
            <source>输入后稍停即开始搜索</source>
            <translation>Searching starts when you pause typing</translation>
        </message>
        <message>
            <source>全部类别</source>
            <translation>All categories</translation>
        </message>
        <message>
            <source>全部镇街</source>
            <translation>All towns</translation>
        </message>
        <message>
            <source>全部村社</source>
            <translation>All villages</translation>
        </message>
        <message>
            <source>全部网格</source>
            <translation>All grids</translation>
        </message>
    </context>
    <context>
        <name>LoginDialog</name>
        <message>
            <source>登录指挥室</source>
            <translation>Log in to CommandRoom</translation>
        </message>
        <message>
            <source>指挥室</source>
            <translation>CommandRoom</translation>
        </message>
        <message>
            <source>登录名</source>
            <translation>User name</translation>
        </message>
        <message>
            <source>密码</source>
            <translation>Password</translation>
        </message>
        <message>
            <source>登录</source>
            <translation>Log in</translation>
        </message>
        <message>
            <source>演示模式：选择一个角色直接进入，或用账号密码登录</source>
            <translation>Demo mode: pick a role to enter directly, or log in with a user name and password</translation>
        </message>
        <message>
            <source>正在读取演示账号…</source>
            <translation>Reading the demo accounts…</translation>
        </message>
        <message>
            <source>以此身份进入</source>
            <translation>Enter as this account</translation>
        </message>
        <message>
            <source>%1 · %2（%3）</source>
            <translation>%1 · %2 (%3)</translation>
        </message>
        <message>
            <source>请输入登录名和密码</source>
            <translation>Enter your user name and password</translation>
        </message>
        <message>
            <source>无法连接数据库：</source>
            <translation>Cannot connect to the database: </translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>值守显示（无需登录）</source>
            <translation>Wall display (no login)</translation>
        </message>
        <message>
            <source>指挥室 · 视频墙</source>
            <translation>CommandRoom · Video wall</translation>
        </message>
        <message>
            <source>指挥室 · 调度台</source>
            <translation>CommandRoom · Dispatch desk</translation>
        </message>
        <message>
            <source>指挥室 · 演示模式</source>
            <translation>CommandRoom · Demo</translation>
        </message>
        <message>
            <source>事件列表</source>
            <translation>Event list</translation>
        </message>
        <message>
            <source>选择一条事件查看详情</source>
            <translation>Select an event to see its case</translation>
        </message>
        <message>
            <source>全屏</source>
            <translation>Full screen</translation>
        </message>
        <message>
            <source>只看视频墙</source>
            <translation>Wall only</translation>
        </message>
        <message>
            <source>只看事件</source>
            <translation>Events only</translation>
        </message>
        <message>
            <source>视频墙与事件并排</source>
            <translation>Wall and events side by side</translation>
        </message>
        <message>
            <source>下一条事件</source>
            <translation>Next event</translation>
        </message>
        <message>
            <source>上一条事件</source>
            <translation>Previous event</translation>
        </message>
        <message>
            <source>最大化事件摄像机</source>
            <translation>Maximise the event's camera</translation>
        </message>
        <message>
            <source>抓拍取证</source>
            <translation>Snapshot as evidence</translation>
        </message>
        <message>
            <source>注销 / 切换操作员</source>
            <translation>Log out / switch operator</translation>
        </message>
        <message>
            <source>退出</source>
            <translation>Quit</translation>
        </message>
        <message>
            <source>统计与排名…</source>
            <translation>Figures and ranking…</translation>
        </message>
        <message>
            <source>半月通报…</source>
            <translation>Half-month bulletin…</translation>
        </message>
        <message>
            <source>网格员月度情况…</source>
            <translation>Grid workers' month…</translation>
        </message>
        <message>
            <source>任务派单…</source>
            <translation>Task dispatch…</translation>
        </message>
        <message>
            <source>派单</source>
            <translation>Dispatch</translation>
        </message>
        <message>
            <source>上报</source>
            <translation>Escalate</translation>
        </message>
        <message>
            <source>办结</source>
            <translation>Close</translation>
        </message>
        <message>
            <source>备注</source>
            <translation>Comment</translation>
        </message>
        <message>
            <source>布局读写失败：{detail}</source>
            <translation>Layout storage failed: {detail}</translation>
        </message>
        <message>
            <source>事件</source>
            <translation>Events</translation>
        </message>
        <message>
            <source>工作</source>
            <translation>Work</translation>
        </message>
        <message>
            <source>找不到摄像机 %1</source>
            <translation>Camera %1 not found</translation>
        </message>
        <message>
            <source>摄像机列表</source>
            <translation>Camera list</translation>
        </message>
        <message>
            <source>文件</source>
            <translation>File</translation>
        </message>
        <message>
            <source>此事件附近没有摄像机</source>
            <translation>No camera near this event</translation>
        </message>
        <message>
            <source>此摄像机不在本视频墙上</source>
            <translation>This camera is not on this wall</translation>
        </message>
        <message>
            <source>此摄像机还没有画面，无法抓拍</source>
            <translation>This camera has no picture yet; no snapshot</translation>
        </message>
        <message>
            <source>统计</source>
            <translation>Figures</translation>
        </message>
        <message>
            <source>视图</source>
            <translation>View</translation>
        </message>
        <message>
            <source>视频墙</source>
            <translation>Video wall</translation>
        </message>
        <message>
            <source>请先最大化一路摄像机再抓拍</source>
            <translation>Maximise a camera first, then take the snapshot</translation>
        </message>
        <message>
            <source>请先选择一条事件</source>
            <translation>Select an event first</translation>
        </message>
    </context>
    <context>
        <name>NoticeBar</name>
        <message>
            <source>关闭提示</source>
            <translation>Dismiss</translation>
        </message>
    </context>
    <context>
        <name>OriginalView</name>
        <message>
            <source>原始上报</source>
            <translation>Original report</translation>
        </message>
        <message>
            <source>（无原始记录）</source>
            <translation>(no original record)</translation>
        </message>
        <message>
            <source>类别：</source>
            <translation>Category: </translation>
        </message>
        <message>
            <source>等级：</source>
            <translation>Level: </translation>
        </message>
        <message>
            <source>地址：</source>
            <translation>Address: </translation>
        </message>
        <message>
            <source>采集时间：</source>
            <translation>Captured: </translation>
        </message>
    </context>
    <context>
        <name>PhotoDialog</name>
        <message>
            <source>无法显示此文件</source>
            <translation>This file cannot be shown</translation>
        </message>
    </context>
    <context>
        <name>PhotoPicker</name>
        <message>
            <source>添加照片…</source>
            <translation>Add photos…</translation>
        </message>
        <message>
            <source>移除</source>
            <translation>Remove</translation>
        </message>
        <message>
            <source>选择照片</source>
            <translation>Choose photos</translation>
        </message>
        <message>
            <source>图片 (*.jpg *.jpeg *.png *.bmp);;所有文件 (*)</source>
            <translation>Images (*.jpg *.jpeg *.png *.bmp);;All files (*)</translation>
        </message>
    </context>
    <context>
        <name>PhotoStrip</name>
        <message>
            <source>无照片或附件</source>
            <translation>No photos or attachments</translation>
        </message>
    </context>
    <context>
        <name>StationLoader</name>
        <message>
            <source>读取工作站配置失败，稍后重试：</source>
            <translation>Cannot read the station config; retrying soon: </translation>
        </message>
    </context>
    <context>
        <name>StationStatusBar</name>
        <message>
            <source>工作站</source>
            <translation>Station</translation>
        </message>
        <message>
            <source>当前操作员</source>
            <translation>Current operator</translation>
        </message>
        <message>
            <source>数据库</source>
            <translation>Database</translation>
        </message>
        <message>
            <source>事件实时更新</source>
            <translation>Live event updates</translation>
        </message>
        <message>
            <source>北京时间</source>
            <translation>Beijing time</translation>
        </message>
        <message>
            <source>工作站：</source>
            <translation>Station: </translation>
        </message>
        <message>
            <source>未配置</source>
            <translation>not configured</translation>
        </message>
        <message>
            <source>未登录</source>
            <translation>Not logged in</translation>
        </message>
        <message>
            <source>、</source>
            <translation>, </translation>
        </message>
        <message>
            <source>%1（%2）· %3</source>
            <translation>%1 (%2) · %3</translation>
        </message>
        <message>
            <source>数据库：</source>
            <translation>Database: </translation>
        </message>
        <message>
            <source>实时</source>
            <translation>live</translation>
        </message>
        <message>
            <source>轮询</source>
            <translation>polling</translation>
        </message>
        <message>
            <source>数据库离线</source>
            <translation>database offline</translation>
        </message>
        <message>
            <source>连接中</source>
            <translation>connecting</translation>
        </message>
        <message>
            <source>无数据库</source>
            <translation>no database</translation>
        </message>
        <message>
            <source>事件：</source>
            <translation>Events: </translation>
        </message>
    </context>
    <context>
        <name>Tile</name>
        <message>
            <source>地址无效</source>
            <translation>invalid address</translation>
        </message>
        <message>
            <source>主机名无法解析</source>
            <translation>unknown host name</translation>
        </message>
        <message>
            <source>连接被拒绝</source>
            <translation>connection refused</translation>
        </message>
        <message>
            <source>网络不通</source>
            <translation>no route to camera</translation>
        </message>
        <message>
            <source>无应答</source>
            <translation>no answer</translation>
        </message>
        <message>
            <source>用户名或密码错误</source>
            <translation>wrong user or password</translation>
        </message>
        <message>
            <source>码流路径不存在</source>
            <translation>no such stream path</translation>
        </message>
        <message>
            <source>码流无法使用</source>
            <translation>unusable stream</translation>
        </message>
        <message>
            <source>编码格式不支持</source>
            <translation>unsupported codec</translation>
        </message>
        <message>
            <source>连接被断开</source>
            <translation>connection closed</translation>
        </message>
        <message>
            <source>%1 帧/秒 · 帧龄 %2</source>
            <translation>%1 fps · age %2</translation>
        </message>
        <message>
            <source>主码流</source>
            <translation>main stream</translation>
        </message>
        <message>
            <source>卡顿</source>
            <translation>stalled</translation>
        </message>
        <message>
            <source>地址错误</source>
            <translation>bad address</translation>
        </message>
        <message>
            <source>子码流</source>
            <translation>substream</translation>
        </message>
        <message>
            <source>已关闭</source>
            <translation>closed</translation>
        </message>
        <message>
            <source>拖入摄像机</source>
            <translation>Drop a camera here</translation>
        </message>
        <message>
            <source>未授权</source>
            <translation>unauthorised</translation>
        </message>
        <message>
            <source>画面冻结</source>
            <translation>frozen</translation>
        </message>
        <message>
            <source>画面时间 %1</source>
            <translation>Picture at %1</translation>
        </message>
        <message>
            <source>直播</source>
            <translation>live</translation>
        </message>
        <message>
            <source>离线</source>
            <translation>offline</translation>
        </message>
        <message>
            <source>跳帧 %1</source>
            <translation>%1 skipped</translation>
        </message>
        <message>
            <source>连接中</source>
            <translation>connecting</translation>
        </message>
        <message numerus="yes">
            <source>重连中(第%n次)</source>
            <translation>
                <numerusform>reconnecting (attempt %n)</numerusform>
                <numerusform>reconnecting (attempt %n)</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>TimelineModel</name>
        <message>
            <source>时间</source>
            <translation>Time</translation>
        </message>
        <message>
            <source>操作人</source>
            <translation>By</translation>
        </message>
        <message>
            <source>角色</source>
            <translation>Role</translation>
        </message>
        <message>
            <source>单位</source>
            <translation>Unit</translation>
        </message>
        <message>
            <source>操作</source>
            <translation>Action</translation>
        </message>
        <message>
            <source>状态变化</source>
            <translation>Status change</translation>
        </message>
        <message>
            <source>意见/说明</source>
            <translation>Note</translation>
        </message>
    </context>
    <context>
        <name>WallWidget</name>
        <message>
            <source>还原</source>
            <translation>Restore</translation>
        </message>
        <message>
            <source>最大化</source>
            <translation>Maximise</translation>
        </message>
        <message>
            <source>移除摄像机</source>
            <translation>Remove camera</translation>
        </message>
        <message>
            <source>显示帧率与帧龄</source>
            <translation>Show fps and frame age</translation>
        </message>
    </context>
    <context>
        <name>WallWindow</name>
        <message>
            <source>指挥室 · 视频墙</source>
            <translation>CommandRoom · Video wall</translation>
        </message>
        <message>
            <source>摄像机</source>
            <translation>Cameras</translation>
        </message>
        <message>
            <source>视频墙</source>
            <translation>Video wall</translation>
        </message>
        <message>
            <source>布局</source>
            <translation>Layout</translation>
        </message>
        <message>
            <source>自定义</source>
            <translation>Custom</translation>
        </message>
        <message>
            <source>上一页</source>
            <translation>Previous page</translation>
        </message>
        <message>
            <source>下一页</source>
            <translation>Next page</translation>
        </message>
        <message>
            <source>轮巡</source>
            <translation>Tour</translation>
        </message>
        <message>
            <source>分页</source>
            <translation>Pages</translation>
        </message>
        <message>
            <source>已存布局</source>
            <translation>Saved layouts</translation>
        </message>
        <message>
            <source>轮巡本布局的各页, 或依次轮巡已存布局</source>
            <translation>Tour the pages of this layout, or the saved layouts one by one</translation>
        </message>
        <message>
            <source> 秒</source>
            <translation> s</translation>
        </message>
        <message>
            <source>帧率/帧龄</source>
            <translation>fps / age</translation>
        </message>
        <message>
            <source>保存布局</source>
            <translation>Save layout</translation>
        </message>
        <message>
            <source>全屏</source>
            <translation>Full screen</translation>
        </message>
        <message>
            <source>布局名称:</source>
            <translation>Layout name:</translation>
        </message>
        <message>
            <source>布局读写失败：{detail}</source>
            <translation>Layout storage failed: {detail}</translation>
        </message>
        <message>
            <source>第 %1/%2 页</source>
            <translation>Page %1/%2</translation>
        </message>
    </context>
    <context>
        <name>BulletinWindow</name>
        <message>
            <source>CSV 文件 (*.csv)</source>
            <translation>CSV files (*.csv)</translation>
        </message>
        <message>
            <source>Excel 工作簿 (*.xlsx)</source>
            <translation>Excel workbooks (*.xlsx)</translation>
        </message>
        <message>
            <source>PDF 文件 (*.pdf)</source>
            <translation>PDF files (*.pdf)</translation>
        </message>
        <message>
            <source>_预览</source>
            <translation>_preview</translation>
        </message>
        <message>
            <source>{words}（仍显示 {period} 的旧内容）</source>
            <translation>{words} (still showing the old bulletin of {period})</translation>
        </message>
        <message>
            <source>{year}年{month}月{half}（{first} – {last}）</source>
            <translation>{half} of {month}/{year} ({first} – {last})</translation>
        </message>
        <message>
            <source>上半月</source>
            <translation>First half</translation>
        </message>
        <message>
            <source>下半月</source>
            <translation>Second half</translation>
        </message>
        <message>
            <source>事件清单</source>
            <translation>Events</translation>
        </message>
        <message>
            <source>事件清单（{n} 件）</source>
            <translation>Events ({n})</translation>
        </message>
        <message>
            <source>全区</source>
            <translation>Whole district</translation>
        </message>
        <message>
            <source>刷新</source>
            <translation>Refresh</translation>
        </message>
        <message>
            <source>半月</source>
            <translation>Half month</translation>
        </message>
        <message>
            <source>半月通报</source>
            <translation>Half-month bulletin</translation>
        </message>
        <message>
            <source>导出 CSV</source>
            <translation>Export CSV</translation>
        </message>
        <message>
            <source>导出 CSV…</source>
            <translation>Export CSV…</translation>
        </message>
        <message>
            <source>导出 Excel</source>
            <translation>Export Excel</translation>
        </message>
        <message>
            <source>导出 Excel…</source>
            <translation>Export Excel…</translation>
        </message>
        <message>
            <source>导出 PDF</source>
            <translation>Export PDF</translation>
        </message>
        <message>
            <source>导出 PDF…</source>
            <translation>Export PDF…</translation>
        </message>
        <message>
            <source>导出中…（{path}）</source>
            <translation>Exporting… ({path})</translation>
        </message>
        <message>
            <source>已导出 {path}</source>
            <translation>Exported {path}</translation>
        </message>
        <message>
            <source>已签发</source>
            <translation>Issued</translation>
        </message>
        <message>
            <source>已签发 {scope} {period}</source>
            <translation>Issued {scope} {period}</translation>
        </message>
        <message>
            <source>当前操作员无权签发该范围的半月通报</source>
            <translation>The operator at this desk may not issue this scope's half-month bulletin</translation>
        </message>
        <message>
            <source>截至 {time} · 列入 {n} 件</source>
            <translation>As of {time} · {n} events listed</translation>
        </message>
        <message>
            <source>无法写入 {path}：{why}</source>
            <translation>Cannot write {path}: {why}</translation>
        </message>
        <message>
            <source>未签发：{words}</source>
            <translation>Not issued: {words}</translation>
        </message>
        <message>
            <source>汇总</source>
            <translation>Summary</translation>
        </message>
        <message>
            <source>签发{scope} {period} 的半月通报？
签发后内容固定，不再随事件办理而变化。</source>
            <translation>Issue the half-month bulletin of {scope}, {period}?
Once issued it is fixed and no longer follows the cases.</translation>
        </message>
        <message>
            <source>签发…</source>
            <translation>Issue…</translation>
        </message>
        <message>
            <source>签发中…</source>
            <translation>Issuing…</translation>
        </message>
        <message>
            <source>签发半月通报</source>
            <translation>Issue the half-month bulletin</translation>
        </message>
        <message>
            <source>签发后内容固定，下发各镇街</source>
            <translation>Once issued it is fixed and sent to the towns</translation>
        </message>
        <message>
            <source>范围</source>
            <translation>Scope</translation>
        </message>
        <message>
            <source>该半月尚未结束，结束后方可签发</source>
            <translation>This half month is not over yet; issue it after it ends</translation>
        </message>
        <message>
            <source>读取中…（{period}）</source>
            <translation>Reading… ({period})</translation>
        </message>
        <message>
            <source>通报尚未读取</source>
            <translation>The bulletin has not been read yet</translation>
        </message>
        <message>
            <source>（已签发）</source>
            <translation> (issued)</translation>
        </message>
        <message>
            <source>（进行中）</source>
            <translation> (running)</translation>
        </message>
    </context>
    <context>
        <name>Database</name>
        <message>
            <source>数据库拒绝写入：本工位的数据库账号没有写权限（或连的是只读备库），请联系管理员</source>
            <translation>The database refused the write: this station's database account may not write (or it is a read-only replica); ask the administrator</translation>
        </message>
        <message>
            <source>数据库暂时无法访问：{detail}</source>
            <translation>The database cannot be reached for now: {detail}</translation>
        </message>
    </context>
    <context>
        <name>DemoMode</name>
        <message>
            <source>、</source>
            <translation>, </translation>
        </message>
        <message>
            <source>不是演示数据库</source>
            <translation>Not a demo database</translation>
        </message>
        <message>
            <source>删除演示库中的全部数据并重新生成？</source>
            <translation>Delete all data in the demo database and generate it again?</translation>
        </message>
        <message>
            <source>推进：</source>
            <translation>Moved on: </translation>
        </message>
        <message>
            <source>新事件：</source>
            <translation>New events: </translation>
        </message>
        <message>
            <source>演示</source>
            <translation>Demo</translation>
        </message>
        <message>
            <source>演示模式</source>
            <translation>Demo mode</translation>
        </message>
        <message>
            <source>演示模式会自动生成和修改事件，只用于演示库；不带 --db 即使用自己的演示库。</source>
            <translation>Demo mode generates and changes events by itself, so it only runs on a demo database; without --db it uses its own.</translation>
        </message>
        <message>
            <source>重置演示</source>
            <translation>Reset demo</translation>
        </message>
    </context>
    <context>
        <name>DispatchMode</name>
        <message>
            <source>无法连接数据库：</source>
            <translation>Cannot connect to the database: </translation>
        </message>
        <message>
            <source>未设置环境变量 COMMANDROOM_PASSWORD，请输入密码</source>
            <translation>COMMANDROOM_PASSWORD is not set; enter the password</translation>
        </message>
    </context>
    <context>
        <name>EventColumns</name>
        <message>
            <source>%1级</source>
            <translation>Level %1</translation>
        </message>
        <message>
            <source>一般</source>
            <translation>Normal</translation>
        </message>
        <message>
            <source>上报时间</source>
            <translation>Reported</translation>
        </message>
        <message>
            <source>地点</source>
            <translation>Place</translation>
        </message>
        <message>
            <source>承办单位</source>
            <translation>Owner</translation>
        </message>
        <message>
            <source>时限</source>
            <translation>Deadline</translation>
        </message>
        <message>
            <source>标题</source>
            <translation>Title</translation>
        </message>
        <message>
            <source>特急</source>
            <translation>Critical</translation>
        </message>
        <message>
            <source>状态</source>
            <translation>Status</translation>
        </message>
        <message>
            <source>等级</source>
            <translation>Level</translation>
        </message>
        <message>
            <source>类别</source>
            <translation>Category</translation>
        </message>
        <message>
            <source>紧急</source>
            <translation>Urgent</translation>
        </message>
        <message>
            <source>编号</source>
            <translation>Code</translation>
        </message>
        <message>
            <source>网格</source>
            <translation>Grid</translation>
        </message>
    </context>
    <context>
        <name>FileExport</name>
        <message>
            <source>CSV 文件 (*.csv)</source>
            <translation>CSV files (*.csv)</translation>
        </message>
        <message>
            <source>Excel 工作簿 (*.xlsx)</source>
            <translation>Excel workbooks (*.xlsx)</translation>
        </message>
        <message>
            <source>导出 CSV</source>
            <translation>Export CSV</translation>
        </message>
        <message>
            <source>导出 Excel</source>
            <translation>Export Excel</translation>
        </message>
        <message>
            <source>导出中…（{path}）</source>
            <translation>Exporting… ({path})</translation>
        </message>
        <message>
            <source>已导出 {path}</source>
            <translation>Exported {path}</translation>
        </message>
        <message>
            <source>无法写入 {path}：{why}</source>
            <translation>Cannot write {path}: {why}</translation>
        </message>
    </context>
    <context>
        <name>MonthChooser</name>
        <message>
            <source>{year}年{month}月</source>
            <translation>{year}-{month:02d}</translation>
        </message>
        <message>
            <source>（本月）</source>
            <translation> (this month)</translation>
        </message>
    </context>
    <context>
        <name>ReminderDialog</name>
        <message>
            <source>提醒内容（如：电话提醒，上报前先核实现场）</source>
            <translation>What was said (e.g. by phone: check on the spot before reporting)</translation>
        </message>
        <message>
            <source>提醒原因</source>
            <translation>Reasons</translation>
        </message>
        <message>
            <source>提醒网格员</source>
            <translation>Remind a grid worker</translation>
        </message>
        <message>
            <source>记录提醒</source>
            <translation>Record the reminder</translation>
        </message>
        <message>
            <source>记录：已就 {month} 的情况提醒 {name}（{village}，{grid}）</source>
            <translation>Record that {name} ({village}, {grid}) was reminded about {month}</translation>
        </message>
    </context>
    <context>
        <name>ReportWindow</name>
        <message>
            <source>CSV 文件 (*.csv)</source>
            <translation>CSV files (*.csv)</translation>
        </message>
        <message>
            <source>{words}（仍显示 {period}）</source>
            <translation>{words} (still showing {period})</translation>
        </message>
        <message>
            <source>上月</source>
            <translation>Last month</translation>
        </message>
        <message>
            <source>全区</source>
            <translation>District</translation>
        </message>
        <message>
            <source>刷新</source>
            <translation>Refresh</translation>
        </message>
        <message>
            <source>导出 CSV</source>
            <translation>Export CSV</translation>
        </message>
        <message>
            <source>导出 CSV…</source>
            <translation>Export CSV…</translation>
        </message>
        <message>
            <source>已导出 {path}</source>
            <translation>Exported {path}</translation>
        </message>
        <message>
            <source>按大类</source>
            <translation>By category</translation>
        </message>
        <message>
            <source>按等级</source>
            <translation>By level</translation>
        </message>
        <message>
            <source>排名依据</source>
            <translation>Rank by</translation>
        </message>
        <message>
            <source>无法写入 {path}：{why}</source>
            <translation>Cannot write {path}: {why}</translation>
        </message>
        <message>
            <source>本季度</source>
            <translation>This quarter</translation>
        </message>
        <message>
            <source>本年</source>
            <translation>This year</translation>
        </message>
        <message>
            <source>本月</source>
            <translation>This month</translation>
        </message>
        <message>
            <source>村社排名</source>
            <translation>Villages ranked</translation>
        </message>
        <message>
            <source>统计与排名</source>
            <translation>Figures and ranking</translation>
        </message>
        <message>
            <source>统计中…（{period}）</source>
            <translation>Counting… ({period})</translation>
        </message>
        <message>
            <source>统计期</source>
            <translation>Period</translation>
        </message>
        <message>
            <source>统计期 {period} · 上报 {n} 件 · 用时 {s:.1f} 秒</source>
            <translation>Period {period} · {n} events reported · took {s:.1f} s</translation>
        </message>
        <message>
            <source>自定义…</source>
            <translation>Custom…</translation>
        </message>
        <message>
            <source>范围</source>
            <translation>Scope</translation>
        </message>
        <message>
            <source>镇街排名</source>
            <translation>Towns ranked</translation>
        </message>
    </context>
    <context>
        <name>TaskDialogs</name>
        <message>
            <source>{name}（{n} 名网格员）</source>
            <translation>{name} ({n} grid workers)</translation>
        </message>
        <message>
            <source>任务名称</source>
            <translation>Task</translation>
        </message>
        <message>
            <source>关闭</source>
            <translation>Close</translation>
        </message>
        <message>
            <source>删除所选项</source>
            <translation>Remove selected</translation>
        </message>
        <message>
            <source>反馈时限</source>
            <translation>Answers due</translation>
        </message>
        <message>
            <source>反馈时限：{due} · {state}</source>
            <translation>Answers due: {due} · {state}</translation>
        </message>
        <message>
            <source>反馈表（网格员逐项填写）</source>
            <translation>Feedback form (each recipient answers every item)</translation>
        </message>
        <message>
            <source>反馈项</source>
            <translation>Item</translation>
        </message>
        <message>
            <source>否</source>
            <translation>No</translation>
        </message>
        <message>
            <source>备注</source>
            <translation>Note</translation>
        </message>
        <message>
            <source>备注（可不填）</source>
            <translation>Note (optional)</translation>
        </message>
        <message>
            <source>如：出租房消防安全排查</source>
            <translation>e.g. Fire safety check of rented housing</translation>
        </message>
        <message>
            <source>工作要求</source>
            <translation>Instructions</translation>
        </message>
        <message>
            <source>工作要求：做什么、怎么做、反馈什么</source>
            <translation>What to do, how, and what to report back</translation>
        </message>
        <message>
            <source>已选：{areas} 个区域（{workers} 名网格员），{units} 个单位</source>
            <translation>Chosen: {areas} areas ({workers} grid workers), {units} units</translation>
        </message>
        <message>
            <source>当前操作员无权派发任务</source>
            <translation>The operator may not send tasks</translation>
        </message>
        <message>
            <source>当前操作员无权派发任务（镇街指挥室或区级部门方可派单）</source>
            <translation>The operator may not send tasks (a town's command room or a district department may)</translation>
        </message>
        <message>
            <source>录入反馈</source>
            <translation>Record feedback</translation>
        </message>
        <message>
            <source>提交</source>
            <translation>Submit</translation>
        </message>
        <message>
            <source>提交中…</source>
            <translation>Submitting…</translation>
        </message>
        <message>
            <source>数字</source>
            <translation>number</translation>
        </message>
        <message>
            <source>新建派单</source>
            <translation>New task</translation>
        </message>
        <message>
            <source>无法读取可派单范围</source>
            <translation>Cannot read the recipients</translation>
        </message>
        <message>
            <source>无法读取可派单范围：{words}</source>
            <translation>Cannot read the recipients: {words}</translation>
        </message>
        <message>
            <source>是</source>
            <translation>Yes</translation>
        </message>
        <message>
            <source>未提交：{words}</source>
            <translation>Not submitted: {words}</translation>
        </message>
        <message>
            <source>未派发：{words}</source>
            <translation>Not sent: {words}</translation>
        </message>
        <message>
            <source>正在读取可派单范围…</source>
            <translation>Reading the recipients…</translation>
        </message>
        <message>
            <source>派单区域（该区域全部网格员）</source>
            <translation>Areas (every grid worker in the area)</translation>
        </message>
        <message>
            <source>派单单位（派驻机构、镇街平台）</source>
            <translation>Units (stationed agencies, town platforms)</translation>
        </message>
        <message>
            <source>派单对象：{name}（{place}，{town}）</source>
            <translation>Recipient: {name} ({place}, {town})</translation>
        </message>
        <message>
            <source>派单范围：{scope}</source>
            <translation>Sending within: {scope}</translation>
        </message>
        <message>
            <source>派发</source>
            <translation>Send</translation>
        </message>
        <message>
            <source>派发中…</source>
            <translation>Sending…</translation>
        </message>
        <message>
            <source>添加反馈项</source>
            <translation>Add item</translation>
        </message>
        <message>
            <source>窗口正在关闭，未提交</source>
            <translation>The window is closing; nothing was submitted</translation>
        </message>
        <message>
            <source>筛选镇街、村社</source>
            <translation>Filter towns and villages</translation>
        </message>
        <message>
            <source>类型</source>
            <translation>Kind</translation>
        </message>
        <message>
            <source>请选择</source>
            <translation>Choose</translation>
        </message>
    </context>
    <context>
        <name>TaskModel</name>
        <message>
            <source>任务名称</source>
            <translation>Task</translation>
        </message>
        <message>
            <source>反馈时限</source>
            <translation>Due</translation>
        </message>
        <message>
            <source>对象</source>
            <translation>To</translation>
        </message>
        <message>
            <source>已反馈</source>
            <translation>Answered</translation>
        </message>
        <message>
            <source>已反馈（含逾期反馈）</source>
            <translation>Answered (late answers included)</translation>
        </message>
        <message>
            <source>派单单位</source>
            <translation>Sent by</translation>
        </message>
        <message>
            <source>派单对象数（网格员与单位）</source>
            <translation>Recipients (grid workers and units)</translation>
        </message>
        <message>
            <source>派发</source>
            <translation>Sent</translation>
        </message>
        <message>
            <source>派发时间</source>
            <translation>Sent at</translation>
        </message>
        <message>
            <source>逾期</source>
            <translation>Overdue</translation>
        </message>
        <message>
            <source>逾期未反馈</source>
            <translation>Overdue, not answered</translation>
        </message>
    </context>
    <context>
        <name>TaskWindow</name>
        <message>
            <source>{words}（仍显示 {period} 的旧内容）</source>
            <translation>{words} (still showing {period} as read before)</translation>
        </message>
        <message>
            <source>{words}（反馈表为旧内容）</source>
            <translation>{words} (the sheet shown is as read before)</translation>
        </message>
        <message>
            <source>代为录入所选对象的反馈</source>
            <translation>Record the chosen recipient's feedback on their behalf</translation>
        </message>
        <message>
            <source>任务派单</source>
            <translation>Task dispatch</translation>
        </message>
        <message>
            <source>任务派单情况反馈表</source>
            <translation>task feedback sheet</translation>
        </message>
        <message>
            <source>任务派单月度情况 {year}年{month}月</source>
            <translation>Task dispatch, {year}-{month:02d}</translation>
        </message>
        <message>
            <source>任务派单（{n} 项）</source>
            <translation>Task dispatch ({n})</translation>
        </message>
        <message>
            <source>全部对象</source>
            <translation>All recipients</translation>
        </message>
        <message>
            <source>刷新</source>
            <translation>Refresh</translation>
        </message>
        <message>
            <source>各单位派单次数（每月不少于 {n} 次）</source>
            <translation>Tasks sent per unit (at least {n} a month)</translation>
        </message>
        <message>
            <source>各镇街反馈情况（本月到期的派单）</source>
            <translation>Answers per town (tasks due this month)</translation>
        </message>
        <message>
            <source>向网格员、派驻机构派发任务清单</source>
            <translation>Send a task list to grid workers and stationed agencies</translation>
        </message>
        <message>
            <source>导出 CSV…</source>
            <translation>Export CSV…</translation>
        </message>
        <message>
            <source>导出 Excel…</source>
            <translation>Export Excel…</translation>
        </message>
        <message>
            <source>已反馈</source>
            <translation>Answered</translation>
        </message>
        <message>
            <source>已派发，正在刷新…</source>
            <translation>Sent; refreshing…</translation>
        </message>
        <message>
            <source>当前操作员无权录入该对象的反馈</source>
            <translation>The operator may not record this recipient's feedback</translation>
        </message>
        <message>
            <source>当前操作员无权派单（镇街指挥室或区级部门方可派单）</source>
            <translation>The operator may not send tasks (a town's command room or a district department may)</translation>
        </message>
        <message>
            <source>录入反馈…</source>
            <translation>Record feedback…</translation>
        </message>
        <message>
            <source>截至 {time} · {period} 派发 {n} 项</source>
            <translation>As of {time} · {n} tasks sent {period}</translation>
        </message>
        <message>
            <source>新建派单…</source>
            <translation>New task…</translation>
        </message>
        <message>
            <source>显示</source>
            <translation>Show</translation>
        </message>
        <message>
            <source>月度情况</source>
            <translation>The month</translation>
        </message>
        <message>
            <source>未反馈（待反馈、逾期未反馈）</source>
            <translation>Not answered (waiting, overdue)</translation>
        </message>
        <message>
            <source>未登录</source>
            <translation>Not logged in</translation>
        </message>
        <message>
            <source>本月没有派单</source>
            <translation>No tasks sent this month</translation>
        </message>
        <message>
            <source>派单列表尚未读取</source>
            <translation>The task list has not been read yet</translation>
        </message>
        <message>
            <source>派发月份</source>
            <translation>Sent in</translation>
        </message>
        <message>
            <source>范围：{town}（本镇街的派单对象）</source>
            <translation>Showing: {town} (the town's own recipients)</translation>
        </message>
        <message>
            <source>范围：全区</source>
            <translation>Showing: the whole district</translation>
        </message>
        <message>
            <source>该对象已反馈</source>
            <translation>Already answered</translation>
        </message>
        <message>
            <source>请先在反馈表中选择一个派单对象</source>
            <translation>Choose a recipient in the sheet first</translation>
        </message>
        <message>
            <source>读取中…（{period}）</source>
            <translation>Reading… ({period})</translation>
        </message>
        <message>
            <source>选择左侧的派单查看反馈表</source>
            <translation>Choose a task on the left to see its feedback sheet</translation>
        </message>
        <message>
            <source>逾期未反馈</source>
            <translation>Overdue, not answered</translation>
        </message>
    </context>
    <context>
        <name>WorkerModel</name>
        <message>
            <source>{who} 于 {time} 已提醒</source>
            <translation>Reminded by {who} at {time}</translation>
        </message>
        <message>
            <source>在线≥{hours}小时仅 {n} 天（有数据 {days} 天）</source>
            <translation>online ≥{hours} h on only {n} days (of {days} reported)</translation>
        </message>
        <message>
            <source>巡查≥{km}公里仅 {n} 天（有数据 {days} 天）</source>
            <translation>on patrol ≥{km} km on only {n} days (of {days} reported)</translation>
        </message>
        <message>
            <source>无效上报 {n} 件（≥{least} 件需提醒）</source>
            <translation>{n} invalid reports (≥{least}: to remind)</translation>
        </message>
    </context>
    <context>
        <name>WorkerWindow</name>
        <message>
            <source>{words}（仍显示 {period} 的旧内容）</source>
            <translation>{words} (still showing {period} as read before)</translation>
        </message>
        <message>
            <source>先在表中选一名网格员</source>
            <translation>Select a grid worker in the table first</translation>
        </message>
        <message>
            <source>全区</source>
            <translation>Whole district</translation>
        </message>
        <message>
            <source>刷新</source>
            <translation>Refresh</translation>
        </message>
        <message>
            <source>只有网格员所在镇街的指挥室或区社会治理中心可以提醒</source>
            <translation>Only the worker's town command room or the district centre may remind</translation>
        </message>
        <message>
            <source>只看需关注的（未达标或需提醒）</source>
            <translation>Only those to follow up (short or to remind)</translation>
        </message>
        <message>
            <source>导出 CSV…</source>
            <translation>Export CSV…</translation>
        </message>
        <message>
            <source>导出 Excel…</source>
            <translation>Export Excel…</translation>
        </message>
        <message>
            <source>已记录：{month} 已提醒 {name}</source>
            <translation>Recorded: {name} reminded for {month}</translation>
        </message>
        <message>
            <source>截至 {time} · {scope} {period} 网格员 {n} 名</source>
            <translation>As of {time} · {scope} {period}: {n} grid workers</translation>
        </message>
        <message>
            <source>按姓名、登录名或村社查找</source>
            <translation>Find by name, username or village</translation>
        </message>
        <message>
            <source>提醒…</source>
            <translation>Remind…</translation>
        </message>
        <message>
            <source>显示 {shown} / {total} 名</source>
            <translation>Showing {shown} of {total}</translation>
        </message>
        <message>
            <source>月份</source>
            <translation>Month</translation>
        </message>
        <message>
            <source>本月已由 {who} 于 {time} 提醒</source>
            <translation>Reminded this month by {who} at {time}</translation>
        </message>
        <message>
            <source>正在记录对 {name} 的提醒…</source>
            <translation>Recording the reminder to {name}…</translation>
        </message>
        <message>
            <source>正在记录提醒…</source>
            <translation>Recording the reminder…</translation>
        </message>
        <message>
            <source>登录后才能记录提醒</source>
            <translation>Log in to record a reminder</translation>
        </message>
        <message>
            <source>网格员 {n} 名 · 在线不足{hours}小时的天数超过{share}：{online} 名 · 巡查不足{km}公里的天数超过{share}：{patrol} 名 · 需提醒（无效上报≥{least}件）：{remind} 名</source>
            <translation>{n} grid workers · under {hours} h online on more than {share} of their days: {online} · under {km} km on patrol on more than {share} of their days: {patrol} · to remind (≥{least} invalid reports): {remind}</translation>
        </message>
        <message>
            <source>网格员月度情况</source>
            <translation>Grid workers' month</translation>
        </message>
        <message>
            <source>范围</source>
            <translation>Scope</translation>
        </message>
        <message>
            <source>范围：{town}（本镇街的网格员）</source>
            <translation>Scope: {town} (the town's grid workers)</translation>
        </message>
        <message>
            <source>记录已提醒所选网格员（每人每月一次）</source>
            <translation>Record that the selected grid worker was reminded (once a month each)</translation>
        </message>
        <message>
            <source>读取中…（{period}）</source>
            <translation>Reading… ({period})</translation>
        </message>
        <message>
            <source>这个月还没有开始</source>
            <translation>This month has not begun</translation>
        </message>
        <message>
            <source>需关注：在线≥{hours}小时或巡查≥{km}公里的天数不足有数据天数的 {share}，或无效上报≥{least}件（需提醒）</source>
            <translation>To follow up: online ≥{hours} h or on patrol ≥{km} km on fewer than {share} of the days reported, or ≥{least} invalid reports (to remind)</translation>
        </message>
    </context>
</TS>
