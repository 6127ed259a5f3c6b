package io.upsfleet.ui.shell;

import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.router.AfterNavigationEvent;
import com.vaadin.flow.router.AfterNavigationObserver;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.PageTitle;
import io.upsfleet.ui.account.AccountsView;
import io.upsfleet.ui.audit.AuditView;
import io.upsfleet.ui.device.BulkImportView;
import io.upsfleet.ui.device.DeviceListView;
import io.upsfleet.ui.events.EventsView;
import io.upsfleet.ui.license.LicensesView;
import io.upsfleet.ui.login.CurrentUser;
import io.upsfleet.ui.login.SignOut;
import io.upsfleet.ui.login.SignedInUser;
import io.upsfleet.ui.notify.NotificationsView;
import io.upsfleet.ui.overview.OverviewView;
import io.upsfleet.ui.reseller.ResellerRenewalsView;
import io.upsfleet.ui.rollout.RolloutsView;

/**
 * The frame of every signed-in page: a header with the page title, who is signed in and sign-out,
 * and the navigation (only what the user's role may open). On a narrow screen the navigation folds
 * into a drawer.
 */
public class MainLayout extends AppLayout implements AfterNavigationObserver {
  private final Span title = new Span();

  public MainLayout() {
    SignedInUser user = CurrentUser.require();
    setPrimarySection(Section.DRAWER);

    title.addClassName("view-title");
    Span who = new Span(user.username() + " · " + user.role().label());
    who.setId("current-user");
    who.addClassName("current-user");
    Button signOut = new Button("Sign out", VaadinIcon.SIGN_OUT.create(), e -> SignOut.now(true));
    signOut.setId("sign-out");
    signOut.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
    HorizontalLayout header = new HorizontalLayout(new DrawerToggle(), title, who, signOut);
    header.addClassName("app-header");
    header.setDefaultVerticalComponentAlignment(HorizontalLayout.Alignment.CENTER);
    header.expand(title);
    header.setWidthFull();
    addToNavbar(header);

    Span brand = new Span("upsfleet");
    brand.addClassName("brand");
    SideNav nav = new SideNav();
    if (user.isReseller()) {
      nav.addItem(
          new SideNavItem("Renewals", ResellerRenewalsView.class, VaadinIcon.CALENDAR.create()));
      addToDrawer(brand, nav);
      return;
    }
    nav.addItem(new SideNavItem("Overview", OverviewView.class, VaadinIcon.DASHBOARD.create()));
    nav.addItem(new SideNavItem("Devices", DeviceListView.class, VaadinIcon.PLUG.create()));
    nav.addItem(new SideNavItem("Events", EventsView.class, VaadinIcon.LIST.create()));
    if (user.canManage()) {
      nav.addItem(new SideNavItem("Bulk import", BulkImportView.class, VaadinIcon.UPLOAD.create()));
    }
    if (user.canOperate()) {
      nav.addItem(new SideNavItem("Rollouts", RolloutsView.class, VaadinIcon.ROCKET.create()));
    }
    nav.addItem(new SideNavItem("Licenses", LicensesView.class, VaadinIcon.KEY.create()));
    nav.addItem(
        new SideNavItem("Notifications", NotificationsView.class, VaadinIcon.BELL.create()));
    if (user.canManage()) {
      nav.addItem(
          new SideNavItem(
              user.isSupport() ? "Accounts" : "Users",
              AccountsView.class,
              VaadinIcon.USERS.create()));
      nav.addItem(new SideNavItem("Audit", AuditView.class, VaadinIcon.RECORDS.create()));
    }
    addToDrawer(brand, nav);
  }

  @Override
  public void afterNavigation(AfterNavigationEvent event) {
    String text = "";
    if (getContent() instanceof HasDynamicTitle d) {
      text = d.getPageTitle();
    } else if (getContent() != null
        && getContent().getClass().getAnnotation(PageTitle.class) != null) {
      text = getContent().getClass().getAnnotation(PageTitle.class).value();
    }
    title.setText(text.replace(" · upsfleet", ""));
  }
}
